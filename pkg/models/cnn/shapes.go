package cnn

import (
	"github.com/gomlx/compute/dtypes"
	"github.com/gomlx/compute/shapes"
)

func shapesMake(dtype dtypes.DType, dims ...int) shapes.Shape { return shapes.Make(dtype, dims...) }

func tensorsShape(dims []int) shapes.Shape { return shapes.Make(dtypes.Float32, dims...) }
