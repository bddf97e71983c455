package notebooks

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// warmCell is a lesson cell that only calls a package function and prints, as most lesson cells
// do: GoNB compiles it with the lessons' packages into a program and runs it.
const warmCell = "import \"github.com/dllessons/dllessons/pkg/models/cnn\"\n%%\n" +
	"fmt.Println(len(cnn.Variant{BatchNorm: true}.Layers()), \"layers\")"

// warmCellDriver starts a GoNB kernel with jupyter_client, runs each cell of the JSON list on
// stdin as a learner's frontend would (execute request → reply), and prints one JSON line: the
// kernel's pid, each cell's seconds from request to reply (timed here: GoNB stamps its messages
// to the second), its status and its text outputs.
const warmCellDriver = `
import json, sys, time
from jupyter_client.manager import start_new_kernel
cells = json.load(sys.stdin)
km, kc = start_new_kernel(kernel_name="gonb", startup_timeout=120)
result = {"pid": km.provisioner.process.pid, "seconds": [], "status": [], "text": []}
try:
    for code in cells:
        text = []
        def hook(msg):
            c = msg["content"]
            if msg["msg_type"] == "stream":
                text.append(c["text"])
            elif msg["msg_type"] == "error":
                text.append(c["ename"] + ": " + c["evalue"])
        start = time.perf_counter()
        reply = kc.execute_interactive(code, timeout=600, output_hook=hook)
        result["seconds"].append(time.perf_counter() - start)
        result["status"].append(reply["content"]["status"])
        result["text"].append("".join(text))
finally:
    kc.stop_channels()
    km.shutdown_kernel(now=True)
print(json.dumps(result))
`

// warmCellRun is what warmCellDriver prints.
type warmCellRun struct {
	PID     int       `json:"pid"`
	Seconds []float64 `json:"seconds"`
	Status  []string  `json:"status"`
	Text    []string  `json:"text"`
}

// BenchmarkWarmLessonCell prints how long a warm lesson cell takes end to end through a real GoNB
// kernel, from the execute request to the kernel's reply: the first run of the cell compiles the
// lessons' packages into GoNB's cache; the runs after it are what a learner waits for when
// running a cell again. Run by `make bench`:
//
//	go test ./pkg/notebooks -run '^$' -bench WarmLessonCell -benchtime 1x
func BenchmarkWarmLessonCell(b *testing.B) {
	root, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		b.Fatal(err)
	}
	cells := []string{SetupCell(root), warmCell, warmCell, warmCell, warmCell}
	input, _ := json.Marshal(cells)
	for b.Loop() {
		run, err := runCells(input)
		if err != nil {
			b.Fatal(err)
		}
		for i, status := range run.Status {
			if status != "ok" || strings.Contains(run.Text[i], "panic") || (i > 0 && !strings.Contains(run.Text[i], "layers")) {
				b.Fatalf("cell %d: status %s, output %q", i, status, run.Text[i])
			}
		}
		first, warm := run.Seconds[1], slices.Min(run.Seconds[2:])
		b.ReportMetric(warm, "warm-s")
		fmt.Printf("lesson cell through the GoNB kernel: first run %.2f s, warm runs %s s (fastest %.2f s; budget 1 s)\n",
			first, formatSeconds(run.Seconds[2:]), warm)
	}
}

// runCells runs the cells (a JSON list) in a new GoNB kernel with warmCellDriver, and ends the
// kernel's session and whatever it started.
func runCells(cells []byte) (warmCellRun, error) {
	cmd := exec.Command(Python, "-c", warmCellDriver)
	cmd.Stdin = bytes.NewReader(cells)
	cmd.SysProcAttr = newProcessGroup()
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	var run warmCellRun
	if err == nil {
		err = json.Unmarshal(out, &run)
	}
	if run.PID > 0 {
		endProcesses(cmd.Process.Pid, run.PID) // what the kernel left running (gopls, a cell's program)
	}
	if err != nil {
		return run, fmt.Errorf("GoNB kernel driver: %v: %s", err, lastLine(stderr.String()))
	}
	if len(run.Seconds) != len(run.Status) || len(run.Seconds) < 3 {
		return run, fmt.Errorf("GoNB kernel driver: ran %d cells: %s", len(run.Seconds), lastLine(stderr.String()))
	}
	return run, nil
}

func formatSeconds(s []float64) string {
	parts := make([]string, len(s))
	for i, v := range s {
		parts[i] = fmt.Sprintf("%.2f", v)
	}
	return strings.Join(parts, ", ")
}
