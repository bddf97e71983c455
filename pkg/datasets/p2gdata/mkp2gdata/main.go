package main

import (
	"bufio"
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"regexp"
	"strings"
)

// ipa maps Festival's CMU phones to IPA; stress-dependent vowels are in stressedIPA.
// Diphthongs and affricates follow the course data: "e ɪ", "a ɪ", "t͡ʃ", "d͡ʒ".
var ipa = map[string]string{
	"aa": "ɑ", "ae": "æ", "ao": "ɔ", "aw": "a ʊ", "ax": "ə", "ay": "a ɪ", "eh": "ɛ", "ey": "e ɪ",
	"ih": "ɪ", "iy": "i", "ow": "o ʊ", "oy": "ɔ ɪ", "uh": "ʊ", "uw": "u",
	"b": "b", "ch": "t͡ʃ", "d": "d", "dh": "ð", "f": "f", "g": "ɡ", "hh": "h", "jh": "d͡ʒ",
	"k": "k", "l": "l", "m": "m", "n": "n", "ng": "ŋ", "p": "p", "r": "ɹ", "s": "s", "sh": "ʃ",
	"t": "t", "th": "θ", "v": "v", "w": "w", "y": "j", "z": "z", "zh": "ʒ",
}

// stressedIPA holds the vowels whose IPA depends on the syllable's stress: [unstressed, stressed].
var stressedIPA = map[string][2]string{"ah": {"ə", "ʌ"}, "er": {"ɚ", "ɝ"}}

var (
	entryRE    = regexp.MustCompile(`^\("([^"]+)" \S+ \((.*)\)\)$`)
	syllableRE = regexp.MustCompile(`\(\(([^()]*)\) (\d)\)`)
	wordRE     = regexp.MustCompile(`^[A-Za-z]+$`)
)

func main() {
	in := flag.String("in", "/usr/share/festival/dicts/cmu/cmudict-0.4.out", "Festival's CMU lexicon (Debian festlex-cmu)")
	out := flag.String("out", "pkg/datasets/p2gdata", "output folder for train.tsv, valid.tsv, test.tsv")
	seed := flag.Uint64("seed", 42, "seed of the word selection")
	flag.Parse()
	if err := run(*in, *out, *seed, [3]int{10000, 1000, 1000}); err != nil {
		fmt.Fprintln(os.Stderr, "mkp2gdata:", err)
		os.Exit(1)
	}
}

func run(in, out string, seed uint64, sizes [3]int) error {
	lines, err := readLexicon(in)
	if err != nil {
		return err
	}
	need := sizes[0] + sizes[1] + sizes[2]
	if len(lines) < need {
		return fmt.Errorf("%s: only %d usable words, need %d", in, len(lines), need)
	}
	rand.New(rand.NewPCG(seed, 0)).Shuffle(len(lines), func(i, j int) { lines[i], lines[j] = lines[j], lines[i] })
	start := 0
	for i, name := range []string{"train.tsv", "valid.tsv", "test.tsv"} {
		text := strings.Join(lines[start:start+sizes[i]], "\n") + "\n"
		if err := os.WriteFile(filepath.Join(out, name), []byte(text), 0o644); err != nil {
			return err
		}
		start += sizes[i]
	}
	return nil
}

// readLexicon returns one "phones<TAB>word" line per alphabetic word (its first pronunciation).
func readLexicon(path string) ([]string, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("%w (install Debian's festlex-cmu)", err)
	}
	defer f.Close()
	seen := map[string]bool{}
	var lines []string
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		m := entryRE.FindStringSubmatch(sc.Text())
		if m == nil || !wordRE.MatchString(m[1]) || seen[m[1]] {
			continue // the header line, words with digits or punctuation, later pronunciations
		}
		phones, err := toIPA(m[2])
		if err != nil {
			return nil, fmt.Errorf("%s:%d: %w", path, n, err)
		}
		seen[m[1]] = true
		lines = append(lines, phones+"\t"+m[1])
	}
	return lines, sc.Err()
}

// toIPA converts Festival's syllables "((ae d) 1) ((v er) 0)" to space-separated IPA phones.
func toIPA(syllables string) (string, error) {
	var phones []string
	for _, syl := range syllableRE.FindAllStringSubmatch(syllables, -1) {
		stressed := syl[2] != "0"
		for _, p := range strings.Fields(syl[1]) {
			if pair, ok := stressedIPA[p]; ok {
				phones = append(phones, pair[boolIndex(stressed)])
				continue
			}
			v, ok := ipa[p]
			if !ok {
				return "", fmt.Errorf("unknown phone %q", p)
			}
			phones = append(phones, v)
		}
	}
	if len(phones) == 0 {
		return "", fmt.Errorf("no phones in %q", syllables)
	}
	return strings.Join(phones, " "), nil
}

func boolIndex(b bool) int {
	if b {
		return 1
	}
	return 0
}
