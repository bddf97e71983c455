package datasets

import "math"

// resizeBilinear resamples an h×w×c image (channels last) to outH×outW×c with a triangle
// filter whose support widens when shrinking, so downscaling averages every source pixel
// (antialiased, like PIL's BILINEAR resize) and upscaling interpolates.
func resizeBilinear(src []float32, h, w, c, outH, outW int) []float32 {
	rows := filterWeights(h, outH)
	cols := filterWeights(w, outW)
	// Resample columns first (h×outW×c), then rows.
	tmp := make([]float32, h*outW*c)
	for y := range h {
		for ox, taps := range cols {
			for _, t := range taps {
				for ch := range c {
					tmp[(y*outW+ox)*c+ch] += t.weight * src[(y*w+t.index)*c+ch]
				}
			}
		}
	}
	out := make([]float32, outH*outW*c)
	for oy, taps := range rows {
		for _, t := range taps {
			for ox := range outW {
				for ch := range c {
					out[(oy*outW+ox)*c+ch] += t.weight * tmp[(t.index*outW+ox)*c+ch]
				}
			}
		}
	}
	return out
}

type tap struct {
	index  int
	weight float32
}

// filterWeights returns, for each of n output positions, the normalised source taps.
func filterWeights(in, n int) [][]tap {
	scale := float64(in) / float64(n)
	support := math.Max(scale, 1)
	out := make([][]tap, n)
	for o := range n {
		center := (float64(o)+0.5)*scale - 0.5
		lo := int(math.Floor(center - support))
		hi := int(math.Ceil(center + support))
		var taps []tap
		var total float64
		for i := max(lo, 0); i <= min(hi, in-1); i++ {
			wt := 1 - math.Abs(float64(i)-center)/support
			if wt > 0 {
				taps = append(taps, tap{i, float32(wt)})
				total += wt
			}
		}
		for k := range taps {
			taps[k].weight /= float32(total)
		}
		out[o] = taps
	}
	return out
}

// toBytes rounds and clamps pixel values to [0, 255].
func toBytes(pixels []float32) []uint8 {
	out := make([]uint8, len(pixels))
	for i, v := range pixels {
		out[i] = uint8(math.Round(math.Min(255, math.Max(0, float64(v)))))
	}
	return out
}
