package notebooks

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// endProcesses kills (SIGKILL) the process root, all its descendants and every process in
// the given sessions, and waits briefly until none is left alive. A Jupyter kernel runs in a
// session of its own, GoNB starts gopls in its own process group and gopls its telemetry in its
// own session: only the tree and the kernel's session together catch them all.
func endProcesses(root int, sessions ...int) {
	for round := 0; round < 20; round++ {
		victims := processesOf(root, sessions)
		if len(victims) == 0 {
			return
		}
		for _, pid := range victims {
			_ = syscall.Kill(pid, syscall.SIGKILL)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// Descendants lists the live processes descending from pid (tests check with it that an
// interrupted run leaves nothing behind).
func Descendants(pid int) []int {
	var out []int
	for _, p := range processesOf(pid, nil) {
		if p != pid {
			out = append(out, p)
		}
	}
	return out
}

// Alive says whether pid is a running (not zombie) process.
func Alive(pid int) bool {
	for _, p := range listProcesses() {
		if p.pid == pid {
			return !p.zombie
		}
	}
	return false
}

// processesOf lists the live (not zombie) processes that are root, descend from it, or belong
// to one of sessions.
func processesOf(root int, sessions []int) []int {
	procs := listProcesses()
	inTree := map[int]bool{root: true}
	for changed := true; changed; { // parents may be listed after their children
		changed = false
		for _, p := range procs {
			if !inTree[p.pid] && inTree[p.ppid] {
				inTree[p.pid], changed = true, true
			}
		}
	}
	var out []int
	for _, p := range procs {
		inSession := false
		for _, s := range sessions {
			inSession = inSession || (s > 0 && p.sid == s)
		}
		if (inTree[p.pid] || inSession) && !p.zombie && p.pid != os.Getpid() {
			out = append(out, p.pid)
		}
	}
	return out
}

type process struct {
	pid, ppid, sid int
	zombie         bool
}

// listProcesses reads /proc/*/stat.
func listProcesses() []process {
	paths, _ := filepath.Glob("/proc/[0-9]*/stat")
	var out []process
	for _, path := range paths {
		data, err := os.ReadFile(path)
		if err != nil {
			continue // ended meanwhile
		}
		// pid (comm) state ppid pgrp session ...; comm may contain spaces and parentheses.
		s := string(data)
		end := strings.LastIndexByte(s, ')')
		if end < 0 {
			continue
		}
		fields := strings.Fields(s[end+1:])
		if len(fields) < 4 {
			continue
		}
		pid, _ := strconv.Atoi(strings.TrimSpace(s[:strings.IndexByte(s, ' ')]))
		ppid, _ := strconv.Atoi(fields[1])
		sid, _ := strconv.Atoi(fields[3])
		out = append(out, process{pid: pid, ppid: ppid, sid: sid, zombie: fields[0] == "Z" || fields[0] == "X"})
	}
	return out
}

// newProcessGroup makes the driver a process-group leader: a terminal's Ctrl-C reaches only
// dllessons, which then ends the driver, the kernel and its programs itself.
func newProcessGroup() *syscall.SysProcAttr { return &syscall.SysProcAttr{Setpgid: true} }
