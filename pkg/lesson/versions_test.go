package lesson

import (
	"runtime"
	"runtime/debug"
	"strings"
	"testing"
)

func TestVersionsFromBuildInfo(t *testing.T) {
	info := &debug.BuildInfo{
		Main: debug.Module{Path: "gonb_1234"},
		Deps: []*debug.Module{
			{Path: GoMLXModule, Version: "v0.28.16"},
			{Path: GoNBModule, Version: "v0.11.5"},
			{Path: LessonsModule, Version: "v0.0.0", Replace: &debug.Module{Path: "/home/someone/dllessons", Version: "(devel)"}},
		},
	}
	v := versionsFrom("go1.27.3", info)
	want := Versions{Go: "go1.27.3", GoMLX: "v0.28.16", GoNB: "v0.11.5", Lessons: "local copy"}
	if v != want {
		t.Fatalf("versionsFrom = %+v, want %+v", v, want)
	}
	if s := v.String(); strings.Contains(s, "/home/") || !strings.Contains(s, "GoMLX     v0.28.16") {
		t.Errorf("String() = %q", s)
	}
}

func TestVersionsOfThisTest(t *testing.T) {
	v := CurrentVersions()
	if v.Go != runtime.Version() {
		t.Errorf("Go = %q, want %q", v.Go, runtime.Version())
	}
	// A test binary records its main module (this one) but not its dependencies.
	if v.Lessons != "(devel)" {
		t.Errorf("Lessons = %q, want (devel) for the main module", v.Lessons)
	}
	if v := versionsFrom("go1", nil); v.GoMLX != "not linked in" {
		t.Errorf("no build info: %+v", v)
	}
}
