package datasets

import (
	"strings"
	"testing"
)

// TestLoadP2GDefaultsToTheVendoredCourseData: with no name and no environment, the course's
// WikiPron files built into the module, whatever the working directory.
func TestLoadP2GDefaultsToTheVendoredCourseData(t *testing.T) {
	t.Setenv(P2GDataEnv, "")
	t.Chdir(t.TempDir())
	for _, name := range []string{"", CourseP2GName} {
		d, err := LoadP2G(name)
		if err != nil {
			t.Fatal(err)
		}
		if d.Kind != "course" || d.Train.Len() != 10000 || d.Valid.Len() != 1000 || d.Test.Len() != 1000 ||
			d.Train.Examples[0].Spelling != "chaplet" || !strings.Contains(d.Source, "WikiPron") {
			t.Errorf("LoadP2G(%q): %s, first word %q", name, d.Describe(), d.Train.Examples[0].Spelling)
		}
		// The vocabularies the committed course models were trained with (results/seq2seq).
		if d.Phones.Size() != 107 || d.Chars.Size() != 93 {
			t.Errorf("LoadP2G(%q): %d phones and %d characters, want 107 and 93", name, d.Phones.Size(), d.Chars.Size())
		}
	}
}

func TestLoadP2GNamesAndEnvironment(t *testing.T) {
	t.Setenv(P2GDataEnv, CMUDictP2GName)
	if d, err := LoadP2G(""); err != nil || d.Kind != "cmudict" {
		t.Fatalf("$%s=cmudict: %v, error %v", P2GDataEnv, d, err)
	}
	if d, err := LoadP2G(CourseP2GName); err != nil || d.Kind != "course" {
		t.Fatalf("an explicit name must win over the environment: %v, error %v", d, err)
	}
	dir := writeP2GDir(t, "k æ t\tcat\n", "d ɔ ɡ\tdog\n", "k æ t\tcat\n")
	t.Setenv(P2GDataEnv, dir)
	if d, err := LoadP2G(""); err != nil || d.Train.Len() != 1 || d.Source != dir {
		t.Fatalf("$%s=folder: %v, error %v", P2GDataEnv, d, err)
	}
}
