package datasets

import (
	"os"
	"testing"
)

func TestFashionMNISTDefaultHasCourseSplits(t *testing.T) {
	if _, err := os.Stat(FashionMNISTDir); err != nil {
		t.Skipf("Debian's dataset-fashion-mnist is not installed: %v", err)
	}
	d, err := LoadImages("", 1)
	if err != nil {
		t.Fatal(err)
	}
	if d.Train.Len() != CourseTrainSize || d.Val.Len() != CourseValSize || d.Test.Len() != CourseTestSize {
		t.Fatalf("splits %d/%d/%d, want %d/%d/%d", d.Train.Len(), d.Val.Len(), d.Test.Len(), CourseTrainSize, CourseValSize, CourseTestSize)
	}
	for _, set := range []*ImageSet{d.Train, d.Test} {
		for class, n := range set.ClassCounts() {
			if n < set.Len()/NumClasses/2 {
				t.Errorf("class %s has only %d of %d images", d.Classes[class], n, set.Len())
			}
		}
	}
	again, _ := LoadImages("", 1)
	if again.Val.Labels[17] != d.Val.Labels[17] || again.Train.Pixels[12345] != d.Train.Pixels[12345] {
		t.Error("same seed gave a different split")
	}
	// Grey repeated over channels, and a real image (not blank).
	img := d.Train.Image(0)
	var sum int
	for i := 0; i < len(img); i += 3 {
		if img[i] != img[i+1] || img[i] != img[i+2] {
			t.Fatal("channels differ in a greyscale image")
		}
		sum += int(img[i])
	}
	if sum == 0 {
		t.Fatal("first image is blank")
	}
}
