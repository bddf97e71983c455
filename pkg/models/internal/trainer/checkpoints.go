package trainer

// checkpoints.go: the trainers' checkpoint folders, written so that an interrupted save (Ctrl-C,
// SIGKILL, a full disk) never leaves a pair a later run trips over.
//
// The files are GoMLX checkpoints (checkpoint-n<count>-<time>.json and .bin, the .bin gzip
// compressed), read back with GoMLX's checkpoint.Handler. GoMLX's own Save writes them in
// place, the .json created empty before the .bin is written, so a kill leaves a pair that makes
// every later load fail. Here both files are written under temporary names, synced, and renamed:
// the .bin first, then the .json, whose rename is the moment the checkpoint exists. On opening,
// a pair that is still incomplete or corrupt (written by an older version, or damaged since) is
// renamed to *.corrupt with a one-line note, and the newest good checkpoint is loaded.

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/gomlx/compute/dtypes"
	"github.com/gomlx/gomlx/core/tensors"
	"github.com/gomlx/gomlx/ml/model"
	"github.com/gomlx/gomlx/ml/model/checkpoint"
)

const (
	checkpointPrefix = "checkpoint-"
	TempPrefix       = ".tmp-"                      // never listed by GoMLX (no "checkpoint-" prefix)
	corruptSuffix    = ".corrupt"                   // a pair set aside
	gzipBinHeader    = "gomlx_checkpointss\x04gzip" // GoMLX's header of a compressed .bin
)

// Note receives the one-line notes about checkpoints set aside (tests replace it).
var Note = func(line string) { fmt.Fprintln(os.Stderr, line) }

// BeforeCommit, if set, runs between writing a checkpoint's temporary files and
// renaming them (the kill test blocks here).
var BeforeCommit func()

// checkpointFolder is one run's folder of checkpoints.
type Checkpoints struct {
	dir, label string
	keep       int
	store      *model.Store
	// Loader holds the values of the checkpoint loaded when the folder was opened.
	Loader *checkpoint.Handler
	next   int // count of the next checkpoint's name
	// stateParam is the store parameter SaveState writes (Run.StateParam).
	stateParam string
}

// openCheckpoints creates dir if needed, sets aside incomplete or corrupt checkpoints newer
// than the newest good one, and loads that one into store (its parameters at once, its
// variables as the model creates them). label names the model in messages.
func OpenCheckpoints(store *model.Store, dir, label string, keep int) (*Checkpoints, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("%s checkpoint folder: %w", label, describeFSError(err))
	}
	f := &Checkpoints{dir: dir, label: label, keep: keep, store: store}
	if err := f.setAsideBroken(); err != nil {
		return nil, err
	}
	var err error
	if f.Loader, err = checkpoint.Build(store).Dir(dir).Keep(-1).Done(); err != nil {
		return nil, fmt.Errorf("%s checkpoint %q: %w", label, dir, err)
	}
	return f, nil
}

// describeFSError turns a permission error into a sentence that says so.
func describeFSError(err error) error {
	var pe *os.PathError
	if errors.As(err, &pe) && errors.Is(err, os.ErrPermission) {
		return fmt.Errorf("%s: permission denied (not writable: choose another --out or fix its permissions)", pe.Path)
	}
	return err
}

var checkpointCount = regexp.MustCompile(`^checkpoint-n(\d+)-`)

// list returns the base names of the checkpoints (listed by their .json), oldest first.
func (f *Checkpoints) list() ([]string, error) {
	entries, err := os.ReadDir(f.dir)
	if err != nil {
		return nil, fmt.Errorf("%s checkpoint folder: %w", f.label, describeFSError(err))
	}
	var names []string
	for _, e := range entries {
		name := e.Name()
		if strings.HasPrefix(name, checkpointPrefix) && strings.HasSuffix(name, checkpoint.JsonNameSuffix) {
			names = append(names, strings.TrimSuffix(name, checkpoint.JsonNameSuffix))
		}
		if m := checkpointCount.FindStringSubmatch(name); m != nil {
			if n, err := strconv.Atoi(m[1]); err == nil && n >= f.next {
				f.next = n + 1
			}
		}
	}
	slices.Sort(names)
	return names, nil
}

// setAsideBroken removes leftovers of interrupted saves and renames every checkpoint newer than
// the newest complete one to *.corrupt, saying so in one line each.
func (f *Checkpoints) setAsideBroken() error {
	entries, err := os.ReadDir(f.dir)
	if err != nil {
		return fmt.Errorf("%s checkpoint folder: %w", f.label, describeFSError(err))
	}
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), TempPrefix) {
			_ = os.Remove(filepath.Join(f.dir, e.Name())) // an interrupted save, never committed
		}
	}
	names, err := f.list()
	if err != nil {
		return err
	}
	for i := len(names) - 1; i >= 0; i-- {
		problem := checkPair(filepath.Join(f.dir, names[i]))
		if problem == nil {
			return nil
		}
		for _, suffix := range []string{checkpoint.JsonNameSuffix, checkpoint.BinDataSuffix} {
			path := filepath.Join(f.dir, names[i]+suffix)
			if err := os.Rename(path, path+corruptSuffix); err != nil && !os.IsNotExist(err) {
				return fmt.Errorf("%s checkpoint %s is broken (%v) and cannot be set aside: %w", f.label, path, problem, err)
			}
		}
		next := "resuming from the previous one"
		if i == 0 {
			next = "no earlier checkpoint: starting over"
		}
		Note(fmt.Sprintf("%s checkpoint %s is incomplete or corrupt (%v): set aside as *%s; %s",
			f.label, filepath.Join(f.dir, names[i]), problem, corruptSuffix, next))
	}
	return nil
}

// serializedCheckpoint is GoMLX's .json layout (checkpoint.serializedData).
type serializedCheckpoint struct {
	Params    []serializedParam
	Variables []serializedVariable
	BinFormat string
}

type serializedParam struct {
	Scope, Key string
	Value      any
	ValueType  string
}

type serializedVariable struct {
	ParameterName string
	Dimensions    []int
	DType         dtypes.DType
	Pos, Length   int
}

// checkPair reads a checkpoint's .json and its whole .bin: nil if they are complete and agree.
func checkPair(base string) error {
	meta, err := os.ReadFile(base + checkpoint.JsonNameSuffix)
	if err != nil {
		return err
	}
	var s serializedCheckpoint
	if err := json.Unmarshal(meta, &s); err != nil {
		return fmt.Errorf("metadata: %w", err)
	}
	want := 0
	for _, v := range s.Variables {
		want += v.Length
	}
	bin, err := os.Open(base + checkpoint.BinDataSuffix)
	if err != nil {
		return err
	}
	defer bin.Close()
	var data io.Reader = bin
	header := make([]byte, len(gzipBinHeader))
	if n, _ := io.ReadFull(bin, header); n == len(header) && string(header) == gzipBinHeader {
		zr, err := gzip.NewReader(bin)
		if err != nil {
			return fmt.Errorf("data: %w", err)
		}
		data = zr
	} else if _, err := bin.Seek(0, io.SeekStart); err != nil {
		return err
	}
	got, err := io.Copy(io.Discard, data)
	if err != nil {
		return fmt.Errorf("data: %w", err)
	}
	if got != int64(want) {
		return fmt.Errorf("data holds %d bytes, metadata lists %d", got, want)
	}
	return nil
}

// save writes the store's variables and parameters (and any loaded values the model has not
// used) as a new checkpoint, atomically, then keeps only the newest f.keep.
func (f *Checkpoints) Save() error {
	unused := map[string]*tensors.Tensor{}
	if f.Loader != nil {
		maps.Copy(unused, f.Loader.LoadedVariables())
	}
	base := fmt.Sprintf("%sn%07d-%s", checkpointPrefix, f.next, time.Now().UTC().Format("20060102-150405"))
	f.next++
	if err := writeCheckpoint(f.dir, base, f.store, unused); err != nil {
		return fmt.Errorf("%s checkpoint %q: %w", f.label, f.dir, describeFSError(err))
	}
	return f.prune()
}

// prune removes all but the newest f.keep checkpoints (the .json first: a pair never looks
// complete without its data).
func (f *Checkpoints) prune() error {
	names, err := f.list()
	if err != nil || len(names) <= f.keep {
		return err
	}
	for _, name := range names[:len(names)-f.keep] {
		for _, suffix := range []string{checkpoint.JsonNameSuffix, checkpoint.BinDataSuffix} {
			if err := os.Remove(filepath.Join(f.dir, name+suffix)); err != nil && !os.IsNotExist(err) {
				return fmt.Errorf("%s checkpoint: %w", f.label, err)
			}
		}
	}
	return nil
}

// saveStore writes store as the only checkpoint in dir (an exported model), atomically.
func SaveStore(store *model.Store, dir, label string) error {
	f, err := OpenCheckpointsForWriting(store, dir, label)
	if err != nil {
		return err
	}
	return f.Save()
}

// openCheckpointsForWriting is a folder to write store into, loading nothing from it.
func OpenCheckpointsForWriting(store *model.Store, dir, label string) (*Checkpoints, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("%s: %w", label, describeFSError(err))
	}
	f := &Checkpoints{dir: dir, label: label, keep: 1, store: store}
	if _, err := f.list(); err != nil {
		return nil, err
	}
	return f, nil
}

// writeCheckpoint writes base.bin and base.json in dir under temporary names and renames them.
func writeCheckpoint(dir, base string, store *model.Store, unused map[string]*tensors.Tensor) error {
	data, meta, err := encodeCheckpoint(store, unused)
	if err != nil {
		return err
	}
	tmpBin := filepath.Join(dir, TempPrefix+base+checkpoint.BinDataSuffix)
	tmpJSON := filepath.Join(dir, TempPrefix+base+checkpoint.JsonNameSuffix)
	if err := writeSynced(tmpBin, data); err != nil {
		return err
	}
	if err := writeSynced(tmpJSON, meta); err != nil {
		_ = os.Remove(tmpBin)
		return err
	}
	if BeforeCommit != nil {
		BeforeCommit()
	}
	if err := os.Rename(tmpBin, filepath.Join(dir, base+checkpoint.BinDataSuffix)); err != nil {
		return err
	}
	if err := os.Rename(tmpJSON, filepath.Join(dir, base+checkpoint.JsonNameSuffix)); err != nil {
		return err
	}
	return syncDir(dir)
}

// encodeCheckpoint returns GoMLX's .bin (gzip) and .json of the store's parameters and
// variables, followed by the loaded values not (yet) used by the model, which are kept.
func encodeCheckpoint(store *model.Store, unused map[string]*tensors.Tensor) (data, meta []byte, err error) {
	m := serializedCheckpoint{BinFormat: "gzip"}
	for path, value := range store.IterParams() {
		scope, key := model.SplitPath(path)
		m.Params = append(m.Params, serializedParam{Scope: scope, Key: key, Value: value, ValueType: fmt.Sprintf("%T", value)})
	}
	var bin bytes.Buffer
	bin.WriteString(gzipBinHeader)
	zw := gzip.NewWriter(&bin)
	pos := 0
	add := func(key string, t *tensors.Tensor) error {
		var n int
		var werr error
		if err := t.ConstBytes(func(raw []byte) { n, werr = zw.Write(raw) }); err != nil || werr != nil {
			return errors.Join(err, werr)
		}
		m.Variables = append(m.Variables, serializedVariable{ParameterName: key, Dimensions: t.Shape().Dimensions,
			DType: t.DType(), Pos: pos, Length: n})
		pos += n
		return nil
	}
	for v := range store.IterVariables() {
		value, err := v.Value()
		if err != nil {
			return nil, nil, fmt.Errorf("variable %s: %w", v.Path(), err)
		}
		key := "var:" + v.Path()
		delete(unused, key)
		if err := add(key, value); err != nil {
			return nil, nil, err
		}
	}
	for _, key := range slices.Sorted(maps.Keys(unused)) {
		if err := add(key, unused[key]); err != nil {
			return nil, nil, err
		}
	}
	if err := zw.Close(); err != nil {
		return nil, nil, err
	}
	meta, err = json.MarshalIndent(m, "", "\t")
	return bin.Bytes(), meta, err
}

// writeSynced writes data to path and flushes it to the disk.
func writeSynced(path string, data []byte) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if _, err := f.Write(data); err != nil {
		f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// syncDir flushes dir's entries, so the renames survive a power cut.
func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	_ = d.Sync() // not every file system syncs directories; the renames are done either way
	return nil
}

// dataParam holds the fingerprint of the data a checkpoint was trained on.
const DataParam = "data_fingerprint"

// claim checks that the loaded checkpoint (if any) was written by the same run — the settings
// stored in runParam and the data fingerprint — and records both for the next save. A
// checkpoint of an older version, without a fingerprint, is accepted with a note.
func (f *Checkpoints) Claim(runParam, run, data string) error {
	savedRun, hasRun := f.store.GetParam("/" + runParam)
	savedData, hasData := f.store.GetParam("/" + DataParam)
	if hasRun && (fmt.Sprint(savedRun) != run || (hasData && data != "" && fmt.Sprint(savedData) != data)) {
		was := fmt.Sprintf("settings %q", savedRun)
		if hasData {
			was += fmt.Sprintf(", data %s", savedData)
		}
		return fmt.Errorf("%s checkpoint %q belongs to another run: it was trained with %s; this run has settings %q, data %s. "+
			"Start over with --resume=false, or choose another --out", f.label, f.dir, was, run, data)
	}
	if hasRun && !hasData && data != "" {
		Note(fmt.Sprintf("%s checkpoint %s records no data fingerprint (an older version wrote it): assuming it was trained on this data, %s",
			f.label, f.dir, data))
	}
	if data != "" {
		f.store.SetParam("/"+DataParam, data)
	}
	return nil
}

// List returns the names (without extension) of the checkpoints in dir, oldest first.
func List(dir string) ([]string, error) { return (&Checkpoints{dir: dir}).list() }
