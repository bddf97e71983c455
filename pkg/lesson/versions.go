package lesson

import (
	"fmt"
	"runtime"
	"runtime/debug"
)

// Module paths whose versions a lesson reports.
const (
	GoMLXModule   = "github.com/gomlx/gomlx"
	GoNBModule    = "github.com/janpfeifer/gonb"
	LessonsModule = "github.com/dllessons/dllessons"
)

// Versions are the versions compiled into the running program: the Go toolchain and the
// modules the lessons are built on. A module that is not linked in reads "not linked in".
type Versions struct {
	Go, GoMLX, GoNB, Lessons string
}

// CurrentVersions reads the running program's build information (in a GoNB cell, the cell's
// program, so the versions the notebook really uses).
func CurrentVersions() Versions {
	info, _ := debug.ReadBuildInfo()
	return versionsFrom(runtime.Version(), info)
}

func versionsFrom(goVersion string, info *debug.BuildInfo) Versions {
	v := Versions{Go: goVersion, GoMLX: "not linked in", GoNB: "not linked in", Lessons: "not linked in"}
	if info == nil {
		return v
	}
	modules := append([]*debug.Module{&info.Main}, info.Deps...)
	for _, m := range modules {
		switch m.Path {
		case GoMLXModule:
			v.GoMLX = moduleVersion(m)
		case GoNBModule:
			v.GoNB = moduleVersion(m)
		case LessonsModule:
			v.Lessons = moduleVersion(m)
		}
	}
	return v
}

// moduleVersion is the module's version, or "local copy" when it is replaced by a folder
// (whose path would tie the output to one machine).
func moduleVersion(m *debug.Module) string {
	if m.Replace != nil {
		if m.Replace.Version == "" || m.Replace.Version == "(devel)" {
			return "local copy"
		}
		return m.Replace.Version
	}
	if m.Version == "" {
		return "(devel)"
	}
	return m.Version
}

// String lists the versions on one line each.
func (v Versions) String() string {
	return fmt.Sprintf("Go        %s\nGoMLX     %s\nGoNB      %s\ndllessons %s\n", v.Go, v.GoMLX, v.GoNB, v.Lessons)
}
