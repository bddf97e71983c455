package browsertest

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/dllessons/dllessons/pkg/notebooks"
)

// server is a Jupyter server (the classic Notebook's, or jupyter-server with JupyterLab) on
// 127.0.0.1 with a random token and throw-away config, runtime and data folders. The data folder
// holds the notary database, which starts empty: no notebook is trusted, as on a learner's
// machine that has just cloned the lessons. The GoNB kernel spec is still found through
// JUPYTER_PATH.
type server struct {
	root    string // the folder the server serves
	labDir  string // JupyterLab: the folder with its launcher and build
	port    int
	url     string // http://127.0.0.1:PORT
	token   string
	env     []string
	tmp     string
	cmd     *exec.Cmd
	log     *syncBuffer
	stopped chan struct{}
}

func startServer(ctx context.Context, opts Options) (*server, error) {
	root, err := filepath.Abs(opts.Root)
	if err != nil {
		return nil, err
	}
	labDir := opts.LabDir
	if labDir == "" {
		labDir = filepath.Join(root, LabDir)
	}
	if labDir, err = filepath.Abs(labDir); err != nil {
		return nil, err
	}
	kernelSpec, err := notebooks.KernelSpecPath()
	if err != nil {
		return nil, err
	}
	if _, err := os.Stat(kernelSpec); err != nil {
		return nil, fmt.Errorf("GoNB kernel spec missing (run scripts/setup.sh): %w", err)
	}
	kernelsData := filepath.Dir(filepath.Dir(filepath.Dir(kernelSpec))) // …/jupyter (holds kernels/gonb)
	tmp, err := os.MkdirTemp("", "dllessons-jupyter-")
	if err != nil {
		return nil, err
	}
	port, err := freePort()
	if err != nil {
		os.RemoveAll(tmp)
		return nil, err
	}
	s := &server{root: root, labDir: labDir, port: port, url: fmt.Sprintf("http://127.0.0.1:%d", port),
		token: randomToken(), tmp: tmp, log: &syncBuffer{}, stopped: make(chan struct{})}
	s.env = append(os.Environ(),
		"JUPYTER_CONFIG_DIR="+filepath.Join(tmp, "config"),
		"JUPYTER_RUNTIME_DIR="+filepath.Join(tmp, "runtime"),
		"JUPYTER_DATA_DIR="+filepath.Join(tmp, "data"),
		"JUPYTER_PATH="+strings.Trim(kernelsData+":"+os.Getenv("JUPYTER_PATH"), ":"),
		"IPYTHONDIR="+filepath.Join(tmp, "ipython"),
	)
	s.env = append(s.env, opts.Env...)
	// The command keeps checkpoints (.ipynb_checkpoints) in the throw-away folder too.
	if s.cmd, err = opts.Frontend.impl().serverCommand(s); err != nil {
		os.RemoveAll(tmp)
		return nil, err
	}
	s.cmd.Env = s.env
	s.cmd.Dir = root
	s.cmd.Stdout, s.cmd.Stderr = s.log, s.log
	s.cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true} // so stop() also ends its kernels
	if err := s.cmd.Start(); err != nil {
		os.RemoveAll(tmp)
		return nil, fmt.Errorf("starting the %s server (%s): %w", opts.Frontend, strings.Join(s.cmd.Args, " "), err)
	}
	go func() { s.cmd.Wait(); close(s.stopped) }()
	if err := s.waitReady(ctx, time.Minute); err != nil {
		s.stop()
		return nil, err
	}
	return s, nil
}

func (s *server) waitReady(ctx context.Context, limit time.Duration) error {
	deadline := time.Now().Add(limit)
	for time.Now().Before(deadline) {
		select {
		case <-s.stopped:
			return fmt.Errorf("the Jupyter server exited at start: %s", tail(s.log.String(), 1500))
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(300 * time.Millisecond):
		}
		if resp, err := s.api(http.MethodGet, "/api/status"); err == nil && resp.StatusCode == http.StatusOK {
			return nil
		}
	}
	return fmt.Errorf("the Jupyter server did not answer within %s: %s", limit, tail(s.log.String(), 1500))
}

// api calls the server's REST API with the token and returns the response (body read, closed).
func (s *server) api(method, path string) (*http.Response, error) {
	req, err := http.NewRequest(method, s.url+path, nil)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Authorization", "token "+s.token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	return resp, nil
}

func (s *server) relative(path string) (string, error) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return "", err
	}
	rel, err := filepath.Rel(s.root, abs)
	if err != nil || strings.HasPrefix(rel, "..") {
		return "", fmt.Errorf("%s is outside the folder the Jupyter server serves (%s)", path, s.root)
	}
	return rel, nil
}

// shutdownKernels ends every kernel session of the server.
func (s *server) shutdownKernels() error {
	req, _ := http.NewRequest(http.MethodGet, s.url+"/api/sessions", nil)
	req.Header.Set("Authorization", "token "+s.token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	var sessions []struct {
		ID string `json:"id"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&sessions); err != nil {
		return fmt.Errorf("listing the Jupyter sessions: %w", err)
	}
	for _, session := range sessions {
		if _, err := s.api(http.MethodDelete, "/api/sessions/"+session.ID); err != nil {
			return err
		}
	}
	return nil
}

// stop ends the server and its kernels (SIGTERM to the process group, then SIGKILL) and removes
// the throw-away folders.
func (s *server) stop() {
	pgid := s.cmd.Process.Pid
	_ = syscall.Kill(-pgid, syscall.SIGTERM)
	select {
	case <-s.stopped:
	case <-time.After(10 * time.Second):
		_ = syscall.Kill(-pgid, syscall.SIGKILL)
		<-s.stopped
	}
	_ = syscall.Kill(-pgid, syscall.SIGKILL) // kernels that outlived the server
	os.RemoveAll(s.tmp)
}

// syncBuffer collects the server's output; the process writes while errors read it.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// escapePath turns a relative file path into an escaped URL path.
func escapePath(rel string) string {
	return (&url.URL{Path: filepath.ToSlash(rel)}).EscapedPath()
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

func randomToken() string {
	b := make([]byte, 24)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

func tail(s string, n int) string {
	s = strings.TrimSpace(s)
	if len(s) > n {
		return "…" + s[len(s)-n:]
	}
	return s
}
