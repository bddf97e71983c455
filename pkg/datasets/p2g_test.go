package datasets

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

func writeP2GDir(t *testing.T, train, valid, test string) string {
	t.Helper()
	dir := t.TempDir()
	for i, text := range []string{train, valid, test} {
		if err := os.WriteFile(filepath.Join(dir, P2GSplitFiles[i]), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func TestP2GBadInputNamesFileAndLine(t *testing.T) {
	good := "k æ t\tcat\n"
	cases := []struct{ name, train, want string }{
		{"no tab", good + "d ɔ ɡ dog\n", "train.tsv:2: no tab"},
		{"empty source", good + good + " \tdog\n", "train.tsv:3: empty source"},
		{"empty target", "k æ t\t\n", "train.tsv:1: empty target"},
		{"invalid UTF-8", good + "k \xff t\tcat\n", "train.tsv:2: invalid UTF-8 at byte 3"},
		{"three columns", "k æ t\tcat\tx\n", "train.tsv:1: more than one tab"},
		{"empty file", "", "train.tsv: no examples"},
		{"only blank lines", "\n  \n\t\n", "train.tsv: no examples"},
		{"trailing tab", good + "k æ t\t \n", "train.tsv:2: empty target"},
		{"BOM after line 1", good + "\ufeffk æ t\tcat\n", "train.tsv:2: a byte-order mark"},
		{"line too long", good + strings.Repeat("k ", 600000) + "\tcat\n", "train.tsv:2: line longer than"},
	}
	for _, c := range cases {
		dir := writeP2GDir(t, c.train, good, good)
		_, err := LoadP2G(dir)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %v, want it to contain %q", c.name, err, c.want)
		}
	}
	_, err := LoadP2G(filepath.Join(t.TempDir(), "absent"))
	if err == nil || !strings.Contains(err.Error(), "train.tsv") || !strings.Contains(err.Error(), "no such file") {
		t.Errorf("missing folder: error %v, want it to name train.tsv and say it is missing", err)
	}
}

// TestP2GReaderCleansByteOrderMarkSpacesAndBlankLines: a file saved by an editor (BOM, CRLF,
// trailing spaces, blank lines) reads exactly as the clean file, with the original line numbers.
func TestP2GReaderCleansByteOrderMarkSpacesAndBlankLines(t *testing.T) {
	clean, err := ParseP2G(strings.NewReader("k æ t\tcat\nd ɔ ɡ\tdog\n"), "clean.tsv")
	if err != nil {
		t.Fatal(err)
	}
	messy, err := ParseP2G(strings.NewReader("\ufeffk æ t\tcat  \r\n\r\n   \n d ɔ ɡ \t dog \n\n"), "messy.tsv")
	if err != nil {
		t.Fatal(err)
	}
	if len(messy) != 2 || messy[1].Line != 4 {
		t.Fatalf("messy file: %+v, want 2 examples, the second from line 4", messy)
	}
	for i := range clean {
		if !reflect.DeepEqual(clean[i].Phones, messy[i].Phones) || clean[i].Spelling != messy[i].Spelling {
			t.Errorf("example %d: %q %q, want %q %q", i, messy[i].Phones, messy[i].Spelling, clean[i].Phones, clean[i].Spelling)
		}
	}
}

func TestP2GVocabulariesAreUnicodeAndMapUnknownsToUNK(t *testing.T) {
	dir := writeP2GDir(t, "k ɹ uː d ɪ t e ɪ\tcrudités\nǃ x o\tǃxó\n", "k æ t\tcat\n", "z u\tzú\n")
	d, err := LoadP2G(dir)
	if err != nil {
		t.Fatal(err)
	}
	if got := d.Chars.EncodeChars("é"); len(got) != 1 || got[0] == UNK {
		t.Errorf("é should be one known character, got ids %v", got)
	}
	if got := d.Chars.EncodeChars("ǃ"); len(got) != 1 || got[0] == UNK {
		t.Errorf("ǃ should be one known character, got ids %v", got)
	}
	if got := d.Phones.EncodePhones([]string{"uː", "æ"}); got[0] == UNK || got[1] != UNK {
		t.Errorf("uː is a training phone and æ is not: ids %v", got)
	}
	if got := d.Chars.EncodeChars("zú"); got[0] != UNK || got[1] != UNK {
		t.Errorf("unseen test characters should be UNK: %v", got)
	}
	if got := d.Chars.EncodeChars("<pad>"); got[0] == PAD {
		t.Error("the special tokens' spellings must not map to their ids")
	}
	word := "ǃxó"
	if got := d.Chars.DecodeChars(append(d.Chars.EncodeChars(word), EOS, d.Chars.ID("x"))); got != word {
		t.Errorf("decode(encode(%q)) = %q", word, got)
	}
}

func TestP2GBatchPadsAndBuckets(t *testing.T) {
	dir := writeP2GDir(t, "k æ t\tcat\nd ɔ ɡ z\tdogs\n", "k æ t\tcat\n", "k æ t\tcat\n")
	d, err := LoadP2G(dir)
	if err != nil {
		t.Fatal(err)
	}
	b := d.Batch(d.Train, []int{1}, 2, 0, 0)
	if b.Size != 2 || b.SrcLen != 4 || b.TgtLen != 8 {
		t.Fatalf("batch shape %d×%d / %d×%d, want 2×4 / 2×8", b.Size, b.SrcLen, b.Size, b.TgtLen)
	}
	if !reflect.DeepEqual(b.SrcLens, []int32{4, 1}) || !reflect.DeepEqual(b.Index, []int{1, -1}) {
		t.Errorf("lengths %v, index %v", b.SrcLens, b.Index)
	}
	ch := d.Chars.EncodeChars("dogs")
	wantIn := []int32{SOS, ch[0], ch[1], ch[2], ch[3], PAD, PAD, PAD}
	wantOut := []int32{ch[0], ch[1], ch[2], ch[3], EOS, PAD, PAD, PAD}
	if !reflect.DeepEqual(b.TgtIn[:8], wantIn) || !reflect.DeepEqual(b.TgtOut[:8], wantOut) {
		t.Errorf("target in %v out %v, want %v %v", b.TgtIn[:8], b.TgtOut[:8], wantIn, wantOut)
	}
	for _, id := range b.TgtOut[8:] {
		if id != PAD {
			t.Fatalf("filler row's target must be all PAD: %v", b.TgtOut[8:])
		}
	}
}

func TestShuffledBatchesDependOnSeedAndEpochOnly(t *testing.T) {
	a := ShuffledBatches(100, 64, 42, 3)
	if !reflect.DeepEqual(a, ShuffledBatches(100, 64, 42, 3)) {
		t.Error("same seed and epoch gave different batches")
	}
	if reflect.DeepEqual(a, ShuffledBatches(100, 64, 42, 4)) || reflect.DeepEqual(a, ShuffledBatches(100, 64, 7, 3)) {
		t.Error("another epoch or seed gave the same batches")
	}
	if len(a) != 2 || len(a[0]) != 64 || len(a[1]) != 36 {
		t.Errorf("batch sizes %d, %d", len(a[0]), len(a[1]))
	}
}

func TestBuiltinP2GHasTheCourseSizes(t *testing.T) {
	d, err := LoadP2G(BuiltinP2GName)
	if err != nil {
		t.Fatal(err)
	}
	if d.Train.Len() != 10000 || d.Valid.Len() != 1000 || d.Test.Len() != 1000 {
		t.Errorf("sizes %d/%d/%d", d.Train.Len(), d.Valid.Len(), d.Test.Len())
	}
	if d.Kind != "cmudict" {
		t.Errorf("kind %q", d.Kind)
	}
	seen := map[string]bool{}
	for _, s := range []*P2GSplit{d.Train, d.Valid, d.Test} {
		for _, ex := range s.Examples {
			if seen[ex.Spelling] {
				t.Fatalf("%q occurs in more than one line", ex.Spelling)
			}
			seen[ex.Spelling] = true
		}
	}
}

func TestLoadP2GBuiltinByEnvironment(t *testing.T) {
	t.Setenv(P2GDataEnv, BuiltinP2GName) // the older name of "cmudict"
	d, err := LoadP2G("")
	if err != nil || d.Kind != "cmudict" {
		t.Fatalf("kind %v, error %v", d, err)
	}
}
