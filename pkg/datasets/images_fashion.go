package datasets

import (
	"compress/gzip"
	"encoding/binary"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
)

// FashionMNISTDir is where Debian's dataset-fashion-mnist package installs the IDX files.
const FashionMNISTDir = "/usr/share/datasets/fashion-mnist"

// fashionClasses are the six Fashion-MNIST classes kept for the lesson (of ten): three upper-body
// garments that are easy to confuse, and three that are not, so the task is neither trivial nor
// hopeless at 48×48.
var fashionClasses = []struct {
	idx  uint8
	name string
}{{0, "T-shirt/top"}, {1, "trouser"}, {2, "pullover"}, {3, "dress"}, {8, "bag"}, {9, "ankle boot"}}

// LoadFashionMNIST builds the lesson's default data set from Debian's Fashion-MNIST files in dir:
// six classes, 28×28 greyscale upsampled to 48×48 and repeated over three channels, with the
// course's split sizes (12,630 train and 1,404 validation drawn from the training file, 3,000 test
// from the test file), chosen with seed.
func LoadFashionMNIST(dir string, seed uint64) (*Images, error) {
	trainAll, err := readFashionSplit(dir, "train")
	if err != nil {
		return nil, err
	}
	testAll, err := readFashionSplit(dir, "t10k")
	if err != nil {
		return nil, err
	}
	rng := rand.New(rand.NewPCG(seed, 0xfa5))
	perm := rng.Perm(trainAll.Len())
	names := make([]string, len(fashionClasses))
	for i, c := range fashionClasses {
		names[i] = c.name
	}
	return &Images{
		Source:  dir + " (Debian dataset-fashion-mnist, 6 classes, resized 28→48, grey→RGB)",
		Kind:    KindFashionMNIST,
		Layout:  "greyscale 28×28 IDX, converted to NHWC (channels last)",
		Classes: names,
		Train:   trainAll.pick(perm[:CourseTrainSize]),
		Val:     trainAll.pick(perm[CourseTrainSize : CourseTrainSize+CourseValSize]),
		Test:    testAll.pick(rng.Perm(testAll.Len())[:CourseTestSize]),
	}, nil
}

// readFashionSplit reads <prefix>-images-idx3-ubyte.gz and <prefix>-labels-idx1-ubyte.gz, keeping
// the lesson's six classes, resized to 48×48×3.
func readFashionSplit(dir, prefix string) (*ImageSet, error) {
	imagesPath := filepath.Join(dir, prefix+"-images-idx3-ubyte.gz")
	labelsPath := filepath.Join(dir, prefix+"-labels-idx1-ubyte.gz")
	raw, dims, err := readIDX(imagesPath, 0x803, 3)
	if err != nil {
		return nil, err
	}
	rawLabels, labelDims, err := readIDX(labelsPath, 0x801, 1)
	if err != nil {
		return nil, err
	}
	if labelDims[0] != dims[0] {
		return nil, fmt.Errorf("%s has %d labels but %s has %d images", labelsPath, labelDims[0], imagesPath, dims[0])
	}
	classOf := map[uint8]int32{}
	for i, c := range fashionClasses {
		classOf[c.idx] = int32(i)
	}
	h, w := dims[1], dims[2]
	set := &ImageSet{}
	grey := make([]float32, h*w)
	for i, l := range rawLabels {
		class, keep := classOf[l]
		if !keep {
			continue
		}
		for j, v := range raw[i*h*w : (i+1)*h*w] {
			grey[j] = float32(v)
		}
		small := toBytes(resizeBilinear(grey, h, w, 1, ImageSize, ImageSize))
		for _, v := range small {
			set.Pixels = append(set.Pixels, v, v, v)
		}
		set.Labels = append(set.Labels, class)
	}
	return set, nil
}

// readIDX reads a gzipped IDX file (big-endian magic, dimensions, then bytes).
func readIDX(path string, magic uint32, rank int) ([]uint8, []int, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, nil, fmt.Errorf("Fashion-MNIST file %q: %w (install it with `apt-get install dataset-fashion-mnist`, or pass --data)", path, err)
	}
	defer f.Close()
	z, err := gzip.NewReader(f)
	if err != nil {
		return nil, nil, fmt.Errorf("Fashion-MNIST file %q: not gzip: %w", path, err)
	}
	header := make([]uint32, 1+rank)
	if err := binary.Read(z, binary.BigEndian, header); err != nil {
		return nil, nil, fmt.Errorf("Fashion-MNIST file %q: reading IDX header: %w", path, err)
	}
	if header[0] != magic {
		return nil, nil, fmt.Errorf("Fashion-MNIST file %q: IDX magic %#x, expected %#x", path, header[0], magic)
	}
	dims := make([]int, rank)
	size := 1
	for i := range dims {
		dims[i] = int(header[1+i])
		size *= dims[i]
	}
	data := make([]uint8, size)
	if _, err := io.ReadFull(z, data); err != nil {
		return nil, nil, fmt.Errorf("Fashion-MNIST file %q: expected %d bytes of data: %w", path, size, err)
	}
	return data, dims, nil
}
