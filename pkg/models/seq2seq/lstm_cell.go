package seq2seq

import . "github.com/gomlx/gomlx/core/graph" //nolint:revive

// LSTMCell is the LSTM step both seq2seq LSTMs run (lstmCell), for other packages: the
// exercises check their plain-Go LSTM step against it.
func LSTMCell(gates, c *Node) (hNew, cNew *Node) { return lstmCell(gates, c) }
