package cnn

// TrainStepFLOPs counts the floating-point operations of the matrix products of one train step
// on batch images, from the variant's layer shapes: each product of an [m, k] by a [k, n] matrix
// is 2·m·k·n (a multiply and an add per term). The forward pass has one product per layer (a 3×3
// convolution is one over its im2col patches); the backward pass two per layer — the weights'
// gradient and the input's — except the first convolution, whose input (the image) needs no
// gradient, in PyTorch as here. Element-wise work (bias, batch norm, ReLU, pooling, dropout,
// SGD update) is left out: it is below 1 % of the total and is memory-bound, not arithmetic.
func TrainStepFLOPs(variant Variant, batch int) float64 {
	total := 0.0
	side := ImageSize
	for i, spec := range variant.Layers() {
		var product float64 // FLOPs of the layer's forward product
		switch spec.Kind {
		case "conv3x3":
			product = 2 * float64(batch*side*side) * float64(9*spec.In) * float64(spec.Out)
			side /= 2 // each conv block ends with a 2×2 max-pool
		case "dense":
			product = 2 * float64(batch) * float64(spec.In) * float64(spec.Out)
		default: // batch norm: element-wise
			continue
		}
		total += product // forward
		total += product // weights' gradient
		if i > 0 {
			total += product // input's gradient
		}
	}
	return total
}
