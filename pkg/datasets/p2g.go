package datasets

// p2g*.go: the phoneme-to-grapheme (P2G) data of homework Question 3. Each line of the course's
// TSV files is "IPA phones separated by spaces <TAB> spelling"; the source tokens are the
// phones, the target tokens the spelling's Unicode characters.

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"unicode/utf8"
)

// P2GExample is one line of a P2G file.
type P2GExample struct {
	Phones   []string // source tokens
	Spelling string   // target; its tokens are its code points
	Line     int      // 1-based line in its file, for messages
}

// P2GSplit is one file of the data set.
type P2GSplit struct {
	Name     string // "train", "valid" or "test"
	Path     string // where it was read from (file path or "built-in:…")
	Examples []P2GExample
}

// Len is the number of examples.
func (s *P2GSplit) Len() int { return len(s.Examples) }

// Spellings lists the gold spellings in order.
func (s *P2GSplit) Spellings() []string {
	out := make([]string, len(s.Examples))
	for i, ex := range s.Examples {
		out[i] = ex.Spelling
	}
	return out
}

// ParseP2G reads the course format from r; name is used in error messages ("file:line: ...").
// A leading UTF-8 byte-order mark is dropped, whitespace around the spelling too (it would
// become target characters), and blank lines are skipped; every line rejected is named by file
// and line.
func ParseP2G(r io.Reader, name string) ([]P2GExample, error) {
	var out []P2GExample
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64*1024), maxP2GLine)
	line := 1
	for ; sc.Scan(); line++ {
		raw := sc.Bytes()
		if line == 1 {
			raw = bytes.TrimPrefix(raw, []byte(utf8BOM))
		}
		if len(bytes.TrimSpace(raw)) == 0 {
			continue
		}
		ex, err := parseP2GLine(raw, line)
		if err != nil {
			return nil, fmt.Errorf("%s:%d: %w", name, line, err)
		}
		out = append(out, ex)
	}
	if err := sc.Err(); err != nil {
		if errors.Is(err, bufio.ErrTooLong) {
			return nil, fmt.Errorf("%s:%d: line longer than %d bytes: not a P2G file?", name, line, maxP2GLine)
		}
		return nil, fmt.Errorf("%s:%d: %w", name, line, err)
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("%s: no examples", name)
	}
	return out, nil
}

const (
	utf8BOM    = "\ufeff"
	maxP2GLine = 1024 * 1024
)

func parseP2GLine(raw []byte, line int) (P2GExample, error) {
	raw = bytes.TrimSuffix(raw, []byte("\r"))
	if !utf8.Valid(raw) {
		return P2GExample{}, fmt.Errorf("invalid UTF-8 at byte %d", invalidUTF8Offset(raw)+1)
	}
	text := string(raw)
	source, target, found := strings.Cut(text, "\t")
	if !found {
		return P2GExample{}, errors.New("no tab: want \"phones separated by spaces<TAB>spelling\"")
	}
	if strings.Contains(target, "\t") {
		return P2GExample{}, errors.New("more than one tab: want two columns")
	}
	phones := strings.Fields(source)
	target = strings.TrimSpace(target)
	switch {
	case len(phones) == 0:
		return P2GExample{}, errors.New("empty source (phones) column")
	case target == "":
		return P2GExample{}, errors.New("empty target (spelling) column")
	case strings.Contains(text, utf8BOM):
		return P2GExample{}, errors.New("a byte-order mark (U+FEFF) inside the line")
	}
	return P2GExample{Phones: phones, Spelling: target, Line: line}, nil
}

func invalidUTF8Offset(b []byte) int {
	for i := 0; i < len(b); {
		r, size := utf8.DecodeRune(b[i:])
		if r == utf8.RuneError && size <= 1 {
			return i
		}
		i += size
	}
	return len(b)
}

// ReadP2GFile reads one TSV file of the course format.
func ReadP2GFile(path, splitName string) (*P2GSplit, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("P2G %s split: %w", splitName, err)
	}
	defer f.Close()
	examples, err := ParseP2G(f, path)
	if err != nil {
		return nil, err
	}
	return &P2GSplit{Name: splitName, Path: path, Examples: examples}, nil
}

// P2GSplitFiles are the file names of the three splits, in the order train, valid, test.
var P2GSplitFiles = [3]string{"train.tsv", "valid.tsv", "test.tsv"}

// readP2GDir reads train/valid/test from a directory of the course layout.
func readP2GDir(dir string) (train, valid, test *P2GSplit, err error) {
	var splits [3]*P2GSplit
	for i, file := range P2GSplitFiles {
		name := strings.TrimSuffix(file, filepath.Ext(file))
		if splits[i], err = ReadP2GFile(filepath.Join(dir, file), name); err != nil {
			return nil, nil, nil, err
		}
	}
	return splits[0], splits[1], splits[2], nil
}
