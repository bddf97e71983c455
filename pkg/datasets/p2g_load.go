package datasets

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strings"

	"github.com/dllessons/dllessons/pkg/datasets/p2gdata"
	"github.com/dllessons/dllessons/pkg/datasets/p2gdata/course"
)

// P2GDataEnv names the P2G data when --data is not given: CourseP2GName, CMUDictP2GName or a
// folder with train.tsv, valid.tsv and test.tsv.
const P2GDataEnv = "DLLESSONS_P2G_DATA"

// Names of the built-in P2G data sets in LoadP2G and --data.
const (
	// CourseP2GName is the course's data (WikiPron), vendored in pkg/datasets/p2gdata/course:
	// the default.
	CourseP2GName = "course"
	// CMUDictP2GName is the CMU dictionary set of the same form and size (pkg/datasets/p2gdata).
	CMUDictP2GName = "cmudict"
	// BuiltinP2GName is the CMU dictionary set's older name, still accepted.
	BuiltinP2GName = "builtin"
)

// P2GDataChoices describes the values of --data and $DLLESSONS_P2G_DATA, for help texts.
const P2GDataChoices = `"` + CourseP2GName + `" (the course's WikiPron data, built in; the default), "` +
	CMUDictP2GName + `" (the built-in CMU dictionary set) or a folder with train.tsv, valid.tsv, test.tsv`

// LoadP2G loads the P2G data named by name, else by $DLLESSONS_P2G_DATA, else the course data
// built into the module. A name is CourseP2GName, CMUDictP2GName (or BuiltinP2GName) or a
// folder; a folder that is missing or broken is an error, never a silent fallback. Nothing
// outside the module is read unless a folder is named.
func LoadP2G(name string) (*P2GData, error) {
	if name == "" {
		name = os.Getenv(P2GDataEnv)
	}
	switch name {
	case "", CourseP2GName:
		return CourseP2G()
	case CMUDictP2GName, BuiltinP2GName:
		return BuiltinP2G()
	}
	return loadP2GFolder(name)
}

func loadP2GFolder(dir string) (*P2GData, error) {
	train, valid, test, err := readP2GDir(dir)
	if err != nil {
		return nil, err
	}
	return NewP2GData(dir, KindCourse, train, valid, test), nil
}

// CourseP2G loads the course's data (WikiPron, from Wiktionary) embedded in the module.
func CourseP2G() (*P2GData, error) {
	splits, err := embeddedP2GSplits(course.Files, "built-in:p2gdata/course/")
	if err != nil {
		return nil, err
	}
	return NewP2GData("course data hw2-q3 (WikiPron, built in: pkg/datasets/p2gdata/course)", "course",
		splits[0], splits[1], splits[2]), nil
}

// BuiltinP2G loads the embedded CMU-dictionary data set.
func BuiltinP2G() (*P2GData, error) {
	splits, err := embeddedP2GSplits(p2gdata.Files, "built-in:p2gdata/")
	if err != nil {
		return nil, err
	}
	return NewP2GData("built-in CMU Pronouncing Dictionary (festlex-cmu), converted to IPA", KindCMUDict,
		splits[0], splits[1], splits[2]), nil
}

// embeddedP2GSplits parses train, valid and test from an embedded folder; prefix names them in
// messages.
func embeddedP2GSplits(files fs.FS, prefix string) ([3]*P2GSplit, error) {
	var splits [3]*P2GSplit
	for i, file := range P2GSplitFiles {
		f, err := files.Open(file)
		if err != nil {
			return splits, err
		}
		examples, err := ParseP2G(f, prefix+file)
		f.Close()
		if err != nil {
			return splits, err
		}
		splits[i] = &P2GSplit{Name: strings.TrimSuffix(file, ".tsv"), Path: prefix + file, Examples: examples}
	}
	return splits, nil
}

// ModuleRoot finds the dllessons module root: upwards from the working directory, else from
// this source file (which works inside GoNB, whose programs run in a temporary folder).
func ModuleRoot() string {
	if wd, err := os.Getwd(); err == nil {
		if root := findModuleUp(wd); root != "" {
			return root
		}
	}
	if _, file, _, ok := runtime.Caller(0); ok {
		return findModuleUp(filepath.Dir(file))
	}
	return ""
}

func findModuleUp(dir string) string {
	for {
		b, err := os.ReadFile(filepath.Join(dir, "go.mod"))
		if err == nil && strings.Contains(string(b), "module github.com/dllessons/dllessons\n") {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return ""
		}
		dir = parent
	}
}

// Describe is a one-line summary for reports.
func (d *P2GData) Describe() string {
	return fmt.Sprintf("%s (%d/%d/%d words; %d phones, %d characters incl. 4 specials)", d.Source,
		d.Train.Len(), d.Valid.Len(), d.Test.Len(), d.Phones.Size(), d.Chars.Size())
}
