package datasets

import (
	"errors"
	"fmt"
	"image"
	_ "image/jpeg" // registers the JPEG decoder for image.Decode
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
)

// LoadKaggleDir reads the public Kaggle layout of the Intel landscapes data:
// root/seg_train/<class>/*.jpg and root/seg_test/<class>/*.jpg (150×150 JPEGs; the Kaggle
// archive's doubled seg_train/seg_train/ is accepted too). Images are resized to 48×48; a
// seeded 1,404/14,034 of seg_train becomes the validation split, as in the course file.
func LoadKaggleDir(root string, seed uint64) (*Images, error) {
	train, err := readKaggleSplit(root, "seg_train")
	if err != nil {
		return nil, err
	}
	test, err := readKaggleSplit(root, "seg_test")
	if err != nil {
		return nil, err
	}
	perm := rand.New(rand.NewPCG(seed, 0x7a11d)).Perm(train.Len())
	nVal := (train.Len()*CourseValSize + (CourseTrainSize+CourseValSize)/2) / (CourseTrainSize + CourseValSize)
	return &Images{
		Source:  root,
		Kind:    KindKaggle,
		Layout:  "JPEG RGB, decoded to NHWC (channels last)",
		Classes: LandscapeClasses,
		Train:   train.pick(perm[nVal:]),
		Val:     train.pick(perm[:nVal]),
		Test:    test,
	}, nil
}

// readKaggleSplit decodes every JPEG of root/split/<class>/, classes in LandscapeClasses order.
func readKaggleSplit(root, split string) (*ImageSet, error) {
	dir := filepath.Join(root, split)
	if nested := filepath.Join(dir, split); isDir(nested) {
		dir = nested
	}
	if !isDir(dir) {
		return nil, fmt.Errorf("Kaggle layout: %q is not a directory: expected %s/<class>/*.jpg with classes %s",
			dir, split, strings.Join(LandscapeClasses, ", "))
	}
	var files []string
	var labels []int32
	for label, class := range LandscapeClasses {
		classDir := filepath.Join(dir, class)
		entries, err := os.ReadDir(classDir)
		if err != nil {
			return nil, fmt.Errorf("Kaggle layout: class directory %q: %w", classDir, err)
		}
		n := 0
		for _, e := range entries {
			ext := strings.ToLower(filepath.Ext(e.Name()))
			if !e.IsDir() && (ext == ".jpg" || ext == ".jpeg") {
				files = append(files, filepath.Join(classDir, e.Name()))
				labels = append(labels, int32(label))
				n++
			}
		}
		if n == 0 {
			return nil, fmt.Errorf("Kaggle layout: class directory %q has no .jpg files", classDir)
		}
	}
	pixels, err := decodeJPEGs(files)
	if err != nil {
		return nil, err
	}
	return &ImageSet{Pixels: pixels, Labels: labels}, nil
}

// decodeJPEGs decodes and resizes files in parallel, keeping their order.
func decodeJPEGs(files []string) ([]uint8, error) {
	pixels := make([]uint8, len(files)*imageBytes)
	errs := make([]error, len(files))
	var wg sync.WaitGroup
	next := make(chan int)
	for range runtime.NumCPU() {
		wg.Go(func() {
			for i := range next {
				img, err := decodeJPEG48(files[i])
				errs[i] = err
				copy(pixels[i*imageBytes:], img)
			}
		})
	}
	for i := range files {
		next <- i
	}
	close(next)
	wg.Wait()
	return pixels, errors.Join(errs...)
}

// decodeJPEG48 decodes one image file and resizes it to 48×48 RGB bytes.
func decodeJPEG48(path string) ([]uint8, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("image %q: %w", path, err)
	}
	defer f.Close()
	img, format, err := image.Decode(f)
	if err != nil {
		return nil, fmt.Errorf("image %q: cannot decode it as a JPEG: %w", path, err)
	}
	if format != "jpeg" {
		return nil, fmt.Errorf("image %q: is a %s, expected a JPEG", path, format)
	}
	b := img.Bounds()
	h, w := b.Dy(), b.Dx()
	rgb := make([]float32, h*w*ImageChannels)
	for y := range h {
		for x := range w {
			r, g, bl, _ := img.At(b.Min.X+x, b.Min.Y+y).RGBA()
			i := (y*w + x) * ImageChannels
			rgb[i], rgb[i+1], rgb[i+2] = float32(r>>8), float32(g>>8), float32(bl>>8)
		}
	}
	return toBytes(resizeBilinear(rgb, h, w, ImageChannels, ImageSize, ImageSize)), nil
}

func isDir(path string) bool {
	info, err := os.Stat(path)
	return err == nil && info.IsDir()
}
