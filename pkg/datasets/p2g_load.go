package datasets

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"

	"github.com/dllessons/dllessons/pkg/datasets/p2gdata"
)

// P2GDataEnv names a folder with the course's train.tsv, valid.tsv and test.tsv (or
// BuiltinP2GName).
const P2GDataEnv = "DLLESSONS_P2G_DATA"

// BuiltinP2GName selects the built-in CMU dictionary set in LoadP2G and --data.
const BuiltinP2GName = "builtin"

// CourseP2GDir is where the course data sits relative to the module root.
const CourseP2GDir = "../shared/data/hw2-q3"

// LoadP2G loads the P2G data: from dir if given, else from $DLLESSONS_P2G_DATA, else from
// ../shared/data/hw2-q3 beside the module root, else the built-in CMU dictionary set.
// An explicitly named folder that is missing or broken is an error, never a silent fallback.
// The name BuiltinP2GName asks for the built-in set even where the course data exists.
func LoadP2G(dir string) (*P2GData, error) {
	if dir == "" {
		dir = os.Getenv(P2GDataEnv)
	}
	if dir == BuiltinP2GName {
		return BuiltinP2G()
	}
	if dir != "" {
		return loadP2GFolder(dir)
	}
	if course := courseP2GDir(); course != "" {
		d, err := loadP2GFolder(course)
		if err == nil {
			d.Source = CourseP2GDir + " (beside the module root)" // no machine path in reports
		}
		return d, err
	}
	return BuiltinP2G()
}

func loadP2GFolder(dir string) (*P2GData, error) {
	train, valid, test, err := readP2GDir(dir)
	if err != nil {
		return nil, err
	}
	return NewP2GData(dir, "course", train, valid, test), nil
}

// BuiltinP2G loads the embedded CMU-dictionary data set.
func BuiltinP2G() (*P2GData, error) {
	var splits [3]*P2GSplit
	for i, file := range P2GSplitFiles {
		f, err := p2gdata.Files.Open(file)
		if err != nil {
			return nil, err
		}
		path := "built-in:p2gdata/" + file
		examples, err := ParseP2G(f, path)
		f.Close()
		if err != nil {
			return nil, err
		}
		splits[i] = &P2GSplit{Name: strings.TrimSuffix(file, ".tsv"), Path: path, Examples: examples}
	}
	return NewP2GData("built-in CMU Pronouncing Dictionary (festlex-cmu), converted to IPA", "cmudict",
		splits[0], splits[1], splits[2]), nil
}

// courseP2GDir returns ../shared/data/hw2-q3 beside the module root if it holds train.tsv.
func courseP2GDir() string {
	root := ModuleRoot()
	if root == "" {
		return ""
	}
	dir := filepath.Clean(filepath.Join(root, CourseP2GDir))
	if _, err := os.Stat(filepath.Join(dir, P2GSplitFiles[0])); err != nil {
		return ""
	}
	return dir
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
