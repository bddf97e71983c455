package course

import (
	"bufio"
	"crypto/sha256"
	"encoding/hex"
	"strconv"
	"strings"
	"testing"
)

// TestCourseFilesMatchSOURCE checks each embedded file's size, line count and SHA-256 against
// the table in SOURCE.txt: the vendored files must stay byte-identical to the course's.
func TestCourseFilesMatchSOURCE(t *testing.T) {
	source, err := Files.ReadFile("SOURCE.txt")
	if err != nil {
		t.Fatal(err)
	}
	checked := 0
	sc := bufio.NewScanner(strings.NewReader(string(source)))
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) != 5 || !strings.HasSuffix(f[0], ".tsv") {
			continue
		}
		name, lines, size, sum := f[0], f[1], f[2], f[4]
		b, err := Files.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		h := sha256.Sum256(b)
		if got := hex.EncodeToString(h[:]); got != sum {
			t.Errorf("%s: sha256 %s, SOURCE.txt says %s", name, got, sum)
		}
		if got := strings.Count(string(b), "\n"); strconv.Itoa(got) != lines {
			t.Errorf("%s: %d lines, SOURCE.txt says %s", name, got, lines)
		}
		if strconv.Itoa(len(b)) != size {
			t.Errorf("%s: %d bytes, SOURCE.txt says %s", name, len(b), size)
		}
		checked++
	}
	if checked != 3 {
		t.Fatalf("SOURCE.txt lists %d of the 3 files", checked)
	}
}
