package golden

import (
	"encoding/json"
	"os"
	"reflect"
	"testing"
)

// Compare fails t unless got equals the JSON in path; with update it first rewrites path from
// got (only when a change of numbers is intended).
func Compare[T any](t *testing.T, path string, got T, update bool) {
	t.Helper()
	if update {
		b, err := json.MarshalIndent(got, "", " ")
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, append(b, '\n'), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var want T
	if err := json.Unmarshal(b, &want); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	if !reflect.DeepEqual(got, want) {
		g, _ := json.Marshal(got)
		t.Errorf("the tiny seeded runs changed:\ngot  %s\nwant %s", g, b)
	}
}
