package datasets

import (
	"fmt"
	"strings"

	"github.com/gomlx/compute/dtypes"
	"github.com/gomlx/gomlx/core/tensors"
	"github.com/gomlx/gomlx/core/tensors/numpy"
)

// Course split sizes of intel_landscapes.v2.npz.
const (
	CourseTrainSize = 12630
	CourseValSize   = 1404
	CourseTestSize  = 3000
)

// LoadNpz reads the course's npz file: train_images, val_images, test_images (uint8, N×48×48×3,
// channels last) and train_labels, val_labels, test_labels (integers in [0, 6)).
func LoadNpz(path string) (*Images, error) {
	arrays, err := numpy.FromNpzFile(path)
	if err != nil {
		return nil, fmt.Errorf("reading npz %q: %w", path, err)
	}
	d := &Images{Source: path, Kind: KindNpz, Layout: "NHWC (channels last: N×48×48×3)", Classes: LandscapeClasses}
	for _, split := range []struct {
		name string
		dst  **ImageSet
	}{{"train", &d.Train}, {"val", &d.Val}, {"test", &d.Test}} {
		set, err := npzSplit(path, arrays, split.name)
		if err != nil {
			return nil, err
		}
		*split.dst = set
	}
	return d, nil
}

// npzSplit extracts and validates <name>_images and <name>_labels.
func npzSplit(path string, arrays map[string]*tensors.Tensor, name string) (*ImageSet, error) {
	imagesKey, labelsKey := name+"_images", name+"_labels"
	images, err := npzArray(path, arrays, imagesKey)
	if err != nil {
		return nil, err
	}
	labels, err := npzArray(path, arrays, labelsKey)
	if err != nil {
		return nil, err
	}
	shape := images.Shape()
	if shape.DType != dtypes.Uint8 {
		return nil, fmt.Errorf("%s: %s has dtype %s, expected uint8 pixels", path, imagesKey, strings.ToLower(shape.DType.String()))
	}
	if shape.Rank() != 4 || shape.Dimensions[1] != ImageSize || shape.Dimensions[2] != ImageSize || shape.Dimensions[3] != ImageChannels {
		return nil, fmt.Errorf("%s: %s has shape %v, expected N×%d×%d×%d (channels last)",
			path, imagesKey, shape.Dimensions, ImageSize, ImageSize, ImageChannels)
	}
	n := shape.Dimensions[0]
	if lshape := labels.Shape(); lshape.Rank() != 1 || lshape.Dimensions[0] != n {
		return nil, fmt.Errorf("%s: %s has shape %v, expected [%d] (one label per image of %s)",
			path, labelsKey, lshape.Dimensions, n, imagesKey)
	}
	set := &ImageSet{}
	if set.Pixels, err = tensors.CopyFlatData[uint8](images); err != nil {
		return nil, fmt.Errorf("%s: %s: %w", path, imagesKey, err)
	}
	if set.Labels, err = integerLabels(path, labelsKey, labels); err != nil {
		return nil, err
	}
	return set, checkLabels(path, labelsKey, set.Labels)
}

// npzArray returns arrays[key] or an error listing the keys the file has.
func npzArray(path string, arrays map[string]*tensors.Tensor, key string) (*tensors.Tensor, error) {
	t, ok := arrays[key]
	if !ok {
		keys := make([]string, 0, len(arrays))
		for k := range arrays {
			keys = append(keys, k)
		}
		return nil, fmt.Errorf("%s: missing key %q (the file has: %s); expected train/val/test _images and _labels",
			path, key, strings.Join(keys, ", "))
	}
	return t, nil
}

// integerLabels converts int64 (the course's) or int32/uint8 labels to int32.
func integerLabels(path, key string, t *tensors.Tensor) ([]int32, error) {
	out := make([]int32, t.Shape().Size())
	var err error
	switch t.DType() {
	case dtypes.Int64:
		err = tensors.ConstFlatData(t, func(flat []int64) {
			for i, v := range flat {
				out[i] = int32(max(min(v, 1<<30), -1)) // out-of-range values stay out of range
			}
		})
	case dtypes.Int32:
		err = tensors.ConstFlatData(t, func(flat []int32) { copy(out, flat) })
	case dtypes.Uint8:
		err = tensors.ConstFlatData(t, func(flat []uint8) {
			for i, v := range flat {
				out[i] = int32(v)
			}
		})
	default:
		return nil, fmt.Errorf("%s: %s has dtype %s, expected int64 class indices", path, key, strings.ToLower(t.DType().String()))
	}
	if err != nil {
		return nil, fmt.Errorf("%s: %s: %w", path, key, err)
	}
	return out, nil
}

// SaveNpz writes d in the course's npz format (uint8 images, int64 labels): tests use it to
// make small course-like files, and it lets a Kaggle directory be converted once.
func SaveNpz(d *Images, path string) error {
	arrays := map[string]*tensors.Tensor{}
	for name, set := range map[string]*ImageSet{"train": d.Train, "val": d.Val, "test": d.Test} {
		arrays[name+"_images"] = tensors.FromFlatDataAndDimensions(set.Pixels, set.Len(), ImageSize, ImageSize, ImageChannels)
		labels := make([]int64, set.Len())
		for i, l := range set.Labels {
			labels[i] = int64(l)
		}
		arrays[name+"_labels"] = tensors.FromFlatDataAndDimensions(labels, set.Len())
	}
	if err := numpy.ToNpzFile(arrays, path); err != nil {
		return fmt.Errorf("writing npz %q: %w", path, err)
	}
	return nil
}
