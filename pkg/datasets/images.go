package datasets

import (
	"fmt"
	"math/rand/v2"
	"os"
)

// Image geometry shared by every image source of the CNN lesson.
const (
	ImageSize     = 48
	ImageChannels = 3
	NumClasses    = 6
	imageBytes    = ImageSize * ImageSize * ImageChannels
)

// ImageSet is one split: Pixels holds N images of ImageSize×ImageSize×ImageChannels bytes,
// channels last; Labels[i] in [0, NumClasses).
type ImageSet struct {
	Pixels []uint8
	Labels []int32
}

// Len is the number of images.
func (s *ImageSet) Len() int { return len(s.Labels) }

// Image returns the bytes of image i (H×W×C, channels last).
func (s *ImageSet) Image(i int) []uint8 { return s.Pixels[i*imageBytes : (i+1)*imageBytes] }

// FillBatch writes the images at indices into pixels (len(indices)×H×W×C float32, scaled by
// 1/256 as the course does) and their labels into labels.
func (s *ImageSet) FillBatch(indices []int, pixels []float32, labels []int32) {
	for b, idx := range indices {
		src := s.Image(idx)
		dst := pixels[b*imageBytes : (b+1)*imageBytes]
		for j, v := range src {
			dst[j] = float32(v) / 256
		}
		labels[b] = s.Labels[idx]
	}
}

// Subset returns the first n images of a seeded shuffle of s (all of them if n <= 0 or n >= Len),
// sharing no memory with s.
func (s *ImageSet) Subset(n int, seed uint64) *ImageSet {
	if n <= 0 || n >= s.Len() {
		n = s.Len()
	}
	order := rand.New(rand.NewPCG(seed, 0x5ab5e7)).Perm(s.Len())[:n]
	return s.pick(order)
}

// pick copies the images at indices into a new set.
func (s *ImageSet) pick(indices []int) *ImageSet {
	out := &ImageSet{Pixels: make([]uint8, 0, len(indices)*imageBytes), Labels: make([]int32, 0, len(indices))}
	for _, i := range indices {
		out.Pixels = append(out.Pixels, s.Image(i)...)
		out.Labels = append(out.Labels, s.Labels[i])
	}
	return out
}

// ClassCounts returns how many images of each class the set holds.
func (s *ImageSet) ClassCounts() [NumClasses]int {
	var counts [NumClasses]int
	for _, l := range s.Labels {
		counts[l]++
	}
	return counts
}

// Images is a data set split for the CNN lesson.
type Images struct {
	// Source describes where the images came from (file or directory, and its kind).
	Source string
	// Kind is KindNpz (the course file), KindKaggle (JPEG directories) or KindFashionMNIST (the default).
	Kind ImageKind
	// Layout describes how the source stores channels, e.g. "NHWC (channels last)".
	Layout string
	// Classes names the labels 0..NumClasses-1.
	Classes []string

	Train, Val, Test *ImageSet
}

// IsCourseData reports whether these are the course's images (npz file or Kaggle layout), whose
// results can be compared with the report's.
func (d *Images) IsCourseData() bool { return d.Kind == KindNpz || d.Kind == KindKaggle }

// Subset returns a copy with at most trainN training, valN validation and testN test images,
// each a seeded random subset (n <= 0 keeps the whole split).
func (d *Images) Subset(trainN, valN, testN int, seed uint64) *Images {
	out := *d
	out.Train = d.Train.Subset(trainN, seed)
	out.Val = d.Val.Subset(valN, seed+1)
	out.Test = d.Test.Subset(testN, seed+2)
	return &out
}

// ImageKind is the kind of source the CNN's images came from; results are kept per kind.
type ImageKind string

// Kinds of image source.
const (
	KindNpz          ImageKind = "npz"
	KindKaggle       ImageKind = "kaggle"
	KindFashionMNIST ImageKind = "fashion-mnist"
)

// LandscapeClasses are the six Intel image classes, in the course's label order (alphabetical,
// which is also the order of the Kaggle directories).
var LandscapeClasses = []string{"buildings", "forest", "glacier", "mountain", "sea", "street"}

// LoadImages loads the CNN lesson's images from path: an npz file (the course's
// intel_landscapes.v2.npz), a directory in the Kaggle layout (seg_train/, seg_test/), or, when
// path is empty, the built-in Fashion-MNIST adaptation. seed fixes the validation split of
// sources that lack one.
func LoadImages(path string, seed uint64) (*Images, error) {
	if path == "" {
		return LoadFashionMNIST(FashionMNISTDir, seed)
	}
	info, err := os.Stat(path)
	if err != nil {
		return nil, fmt.Errorf("image data %q: %w (give the course's .npz file, a Kaggle-layout directory with seg_train/ and seg_test/, or nothing for the built-in Fashion-MNIST)", path, err)
	}
	if info.IsDir() {
		return LoadKaggleDir(path, seed)
	}
	return LoadNpz(path)
}

// checkLabels verifies every label is a class index.
func checkLabels(file, key string, labels []int32) error {
	for i, l := range labels {
		if l < 0 || int(l) >= NumClasses {
			return fmt.Errorf("%s: %s[%d] = %d is out of range: labels must be in [0, %d)", file, key, i, l, NumClasses)
		}
	}
	return nil
}
