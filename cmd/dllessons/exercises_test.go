package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestExercisesCommandWritesBothEditions builds both editions of the committed lessons and
// checks that verify refuses notebooks that were not executed.
func TestExercisesCommandWritesBothEditions(t *testing.T) {
	dir := t.TempDir()
	for _, ed := range []string{"student", "teacher"} {
		out := filepath.Join(dir, ed)
		if err := runExercises([]string{ed, "-from", filepath.Join("..", "..", "notebooks"), out}); err != nil {
			t.Fatal(err)
		}
		data, err := os.ReadFile(filepath.Join(out, "01_hopfield_energy_cccp.ipynb"))
		if err != nil {
			t.Fatal(err)
		}
		hasSolution := strings.Contains(string(data), "// BEGIN SOLUTION")
		if hasSolution != (ed == "teacher") {
			t.Errorf("%s edition: holds solutions = %v", ed, hasSolution)
		}
	}
	err := runExercises([]string{"verify", "student", filepath.Join(dir, "student")})
	if err == nil || !strings.Contains(err.Error(), "problems") {
		t.Errorf("verify of unexecuted notebooks: %v, want problems (checks printed no result)", err)
	}
	if err := runExercises([]string{"pupil", dir}); err == nil || !strings.Contains(err.Error(), `unknown edition "pupil"`) {
		t.Errorf("bad edition: %v", err)
	}
}
