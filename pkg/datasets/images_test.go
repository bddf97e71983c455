package datasets

import (
	"bytes"
	"image"
	"image/color"
	"image/jpeg"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gomlx/gomlx/core/tensors"
	"github.com/gomlx/gomlx/core/tensors/numpy"
)

// syntheticImages makes a small course-like data set: image i of class c is filled with c*40+i.
func syntheticImages(nTrain, nVal, nTest int) *Images {
	mk := func(n int) *ImageSet {
		s := &ImageSet{}
		for i := range n {
			c := int32(i % NumClasses)
			s.Labels = append(s.Labels, c)
			s.Pixels = append(s.Pixels, bytes.Repeat([]byte{uint8(int(c)*40 + i)}, imageBytes)...)
		}
		return s
	}
	return &Images{Train: mk(nTrain), Val: mk(nVal), Test: mk(nTest)}
}

func TestNpzRoundTripAndScaling(t *testing.T) {
	path := filepath.Join(t.TempDir(), "tiny.npz")
	want := syntheticImages(12, 6, 7)
	if err := SaveNpz(want, path); err != nil {
		t.Fatal(err)
	}
	got, err := LoadImages(path, 0)
	if err != nil {
		t.Fatal(err)
	}
	if got.Kind != KindNpz || !got.IsCourseData() || !strings.Contains(got.Layout, "channels last") {
		t.Errorf("kind %q layout %q", got.Kind, got.Layout)
	}
	if got.Train.Len() != 12 || got.Val.Len() != 6 || got.Test.Len() != 7 {
		t.Fatalf("splits %d/%d/%d", got.Train.Len(), got.Val.Len(), got.Test.Len())
	}
	if !bytes.Equal(got.Test.Pixels, want.Test.Pixels) || got.Val.Labels[5] != want.Val.Labels[5] {
		t.Fatal("npz contents changed on the round trip")
	}
	pixels := make([]float32, 2*imageBytes)
	labels := make([]int32, 2)
	got.Train.FillBatch([]int{3, 7}, pixels, labels)
	if labels[0] != 3 || labels[1] != 1 || pixels[0] != float32(3*40+3)/256 || pixels[imageBytes] != float32(40+7)/256 {
		t.Fatalf("batch labels %v, pixels %v %v: want pixel bytes divided by 256", labels, pixels[0], pixels[imageBytes])
	}
}

// writeNpz writes arrays to a temp npz file.
func writeNpz(t *testing.T, arrays map[string]*tensors.Tensor) string {
	path := filepath.Join(t.TempDir(), "bad.npz")
	if err := numpy.ToNpzFile(arrays, path); err != nil {
		t.Fatal(err)
	}
	return path
}

// goodArrays is a valid minimal set of the six course arrays (2 images per split).
func goodArrays() map[string]*tensors.Tensor {
	arrays := map[string]*tensors.Tensor{}
	for _, split := range []string{"train", "val", "test"} {
		arrays[split+"_images"] = tensors.FromFlatDataAndDimensions(make([]uint8, 2*imageBytes), 2, 48, 48, 3)
		arrays[split+"_labels"] = tensors.FromFlatDataAndDimensions([]int64{0, 5}, 2)
	}
	return arrays
}

func TestNpzErrorsNameFileAndExpectation(t *testing.T) {
	if _, err := LoadImages(filepath.Join(t.TempDir(), "absent.npz"), 0); err == nil || !strings.Contains(err.Error(), "absent.npz") {
		t.Errorf("missing file: %v", err)
	}
	cases := map[string]struct {
		change func(map[string]*tensors.Tensor)
		want   []string
	}{
		"missing key": {func(a map[string]*tensors.Tensor) { delete(a, "val_labels") }, []string{`"val_labels"`, "missing key"}},
		"wrong dtype": {func(a map[string]*tensors.Tensor) {
			a["train_images"] = tensors.FromFlatDataAndDimensions(make([]float32, 2*imageBytes), 2, 48, 48, 3)
		}, []string{"train_images", "float32", "expected uint8"}},
		"channels first": {func(a map[string]*tensors.Tensor) {
			a["test_images"] = tensors.FromFlatDataAndDimensions(make([]uint8, 2*imageBytes), 2, 3, 48, 48)
		}, []string{"test_images", "[2 3 48 48]", "N×48×48×3"}},
		"label count": {func(a map[string]*tensors.Tensor) {
			a["train_labels"] = tensors.FromFlatDataAndDimensions([]int64{1, 2, 3}, 3)
		}, []string{"train_labels", "[3]", "expected [2]"}},
		"label range": {func(a map[string]*tensors.Tensor) {
			a["val_labels"] = tensors.FromFlatDataAndDimensions([]int64{0, 6}, 2)
		}, []string{"val_labels[1] = 6", "out of range"}},
		"label dtype": {func(a map[string]*tensors.Tensor) {
			a["val_labels"] = tensors.FromFlatDataAndDimensions([]float64{0, 1}, 2)
		}, []string{"val_labels", "float64", "expected int64"}},
	}
	for name, c := range cases {
		arrays := goodArrays()
		c.change(arrays)
		path := writeNpz(t, arrays)
		_, err := LoadImages(path, 0)
		if err == nil {
			t.Errorf("%s: no error", name)
			continue
		}
		for _, want := range append(c.want, path) {
			if !strings.Contains(err.Error(), want) {
				t.Errorf("%s: error %q lacks %q", name, err, want)
			}
		}
	}
	if _, err := LoadImages(writeNpz(t, goodArrays()), 0); err != nil {
		t.Errorf("valid file rejected: %v", err)
	}
	notZip := filepath.Join(t.TempDir(), "text.npz")
	_ = os.WriteFile(notZip, []byte("not a zip"), 0o644)
	if _, err := LoadImages(notZip, 0); err == nil || !strings.Contains(err.Error(), notZip) {
		t.Errorf("unreadable npz: %v", err)
	}
}

// writeJPEG writes a 150×150 JPEG of one colour.
func writeJPEG(t *testing.T, path string, c color.RGBA) {
	img := image.NewRGBA(image.Rect(0, 0, 150, 150))
	for y := range 150 {
		for x := range 150 {
			img.Set(x, y, c)
		}
	}
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: 95}); err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
}

// kaggleTree writes perClass JPEGs per class in seg_train (nested as in the Kaggle zip) and one
// per class in seg_test; class k is coloured (40k, 255-40k, 100).
func kaggleTree(t *testing.T, perClass int) string {
	root := t.TempDir()
	for k, class := range LandscapeClasses {
		c := color.RGBA{uint8(40 * k), uint8(255 - 40*k), 100, 255}
		for i := range perClass {
			writeJPEG(t, filepath.Join(root, "seg_train", "seg_train", class, string(rune('a'+i))+".jpg"), c)
		}
		writeJPEG(t, filepath.Join(root, "seg_test", class, "0.jpg"), c)
	}
	return root
}

func TestKaggleLayoutDecodesResizesAndSplits(t *testing.T) {
	root := kaggleTree(t, 10)
	d, err := LoadImages(root, 3)
	if err != nil {
		t.Fatal(err)
	}
	if d.Kind != KindKaggle || d.Test.Len() != 6 || d.Train.Len()+d.Val.Len() != 60 || d.Val.Len() != 6 {
		t.Fatalf("kind %s, splits %d/%d/%d", d.Kind, d.Train.Len(), d.Val.Len(), d.Test.Len())
	}
	for i := range d.Test.Len() {
		k := int(d.Test.Labels[i])
		img := d.Test.Image(i)
		mid := img[(24*48+24)*3:]
		if diff(mid[0], uint8(40*k)) > 6 || diff(mid[1], uint8(255-40*k)) > 6 || diff(mid[2], 100) > 6 {
			t.Errorf("test image %d (class %s) has pixel %v, want about (%d,%d,100)", i, LandscapeClasses[k], mid[:3], 40*k, 255-40*k)
		}
	}
	again, _ := LoadImages(root, 3)
	other, _ := LoadImages(root, 4)
	if !equalLabels(again.Val.Labels, d.Val.Labels) {
		t.Error("same seed, different validation split")
	}
	if equalLabels(other.Val.Labels, d.Val.Labels) && bytes.Equal(other.Val.Pixels, d.Val.Pixels) {
		t.Log("note: seeds 3 and 4 happened to pick validation sets with the same labels")
	}
}

func TestKaggleLayoutErrors(t *testing.T) {
	root := kaggleTree(t, 2)
	bad := filepath.Join(root, "seg_test", "forest", "broken.jpg")
	_ = os.WriteFile(bad, []byte("definitely not a jpeg"), 0o644)
	if _, err := LoadImages(root, 0); err == nil || !strings.Contains(err.Error(), bad) || !strings.Contains(err.Error(), "JPEG") {
		t.Errorf("unreadable JPEG: %v", err)
	}
	_ = os.Remove(bad)
	_ = os.RemoveAll(filepath.Join(root, "seg_test", "street"))
	if _, err := LoadImages(root, 0); err == nil || !strings.Contains(err.Error(), filepath.Join("seg_test", "street")) {
		t.Errorf("missing class directory: %v", err)
	}
	if _, err := LoadImages(t.TempDir(), 0); err == nil || !strings.Contains(err.Error(), "seg_train") {
		t.Errorf("empty directory: %v", err)
	}
}

func diff(a, b uint8) int {
	if a > b {
		return int(a - b)
	}
	return int(b - a)
}

func equalLabels(a, b []int32) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func TestResizeAveragesWhenShrinking(t *testing.T) {
	// A 4×4 checkerboard of 0/100 shrunk to 2×2 averages to 50 everywhere.
	src := make([]float32, 16)
	for i := range src {
		if (i/4+i%4)%2 == 0 {
			src[i] = 100
		}
	}
	for _, v := range resizeBilinear(src, 4, 4, 1, 2, 2) {
		if v < 45 || v > 55 {
			t.Fatalf("shrunk checkerboard value %v, want ≈50", v)
		}
	}
}
