package seq2seq

import (
	"fmt"
	"strings"

	"github.com/dllessons/dllessons/pkg/datasets"
	"github.com/dllessons/dllessons/pkg/lesson"
)

// TryIt is lesson 4's try-it: a few test words decoded greedily, by beam search and by nucleus
// sampling, with the settings a learner changes.
type TryIt struct {
	Words     []int   // positions in the test split
	TopP      float64 // nucleus mass
	K         int     // samples per word
	BeamWidth int
	Seed      uint64 // of the sampling
}

// TryItTable decodes the chosen test words three ways with p's model and lists them beside
// their gold spellings.
func (p *Prepared) TryItTable(data *datasets.P2GData, try TryIt) (*lesson.Table, error) {
	words := &datasets.P2GSplit{Name: "test", Path: data.Test.Path}
	for _, i := range try.Words {
		if i < 0 || i >= data.Test.Len() {
			return nil, fmt.Errorf("try it: test word %d does not exist: the test split has words 0 to %d", i, data.Test.Len()-1)
		}
		words.Examples = append(words.Examples, data.Test.Examples[i])
	}
	greedy, _, err := p.Decoder.Greedy(data, words, false)
	if err != nil {
		return nil, err
	}
	beam, err := p.Decoder.Beam(data, words, try.BeamWidth)
	if err != nil {
		return nil, err
	}
	samples, err := p.Decoder.Nucleus(data, words, try.TopP, try.K, try.Seed)
	if err != nil {
		return nil, err
	}
	t := &lesson.Table{Title: fmt.Sprintf("Try it: greedy, beam (width %d), nucleus (p = %g, %d samples)", try.BeamWidth, try.TopP, try.K),
		Headers: []string{"phones", "gold", "greedy", "beam", "samples"}}
	for i, ex := range words.Examples {
		t.AddRow(strings.Join(ex.Phones, " "), ex.Spelling, greedy[i], beam[i], strings.Join(samples[i], ", "))
	}
	return t, nil
}
