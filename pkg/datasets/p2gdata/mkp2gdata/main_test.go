package main

import "testing"

func TestToIPA(t *testing.T) {
	cases := map[string]string{
		`((ae d) 1) ((v er) 0) ((t ay z) 1)`: "æ d v ɚ t a ɪ z", // unstressed er → ɚ
		`((k ah m) 1) ((b ae t) 0)`:          "k ʌ m b æ t",     // stressed ah → ʌ
		`((ch er ch) 1)`:                     "t͡ʃ ɝ t͡ʃ",
		`((ax) 0) ((b ah v) 1)`:              "ə b ʌ v",
	}
	for in, want := range cases {
		got, err := toIPA(in)
		if err != nil || got != want {
			t.Errorf("toIPA(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	if _, err := toIPA(`((q x) 1)`); err == nil {
		t.Error("an unknown phone was accepted")
	}
}

func TestEntryPattern(t *testing.T) {
	m := entryRE.FindStringSubmatch(`("aaberg" nil (((aa) 1) ((b er g) 0)))`)
	if m == nil || m[1] != "aaberg" {
		t.Fatalf("entry not parsed: %q", m)
	}
	if got, _ := toIPA(m[2]); got != "ɑ b ɚ ɡ" {
		t.Errorf("aaberg → %q", got)
	}
}
