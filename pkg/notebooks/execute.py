"""Executes one notebook for `dllessons notebooks run` (pkg/notebooks/runner.go).

Usage: execute.py SOURCE DEST KERNEL TIMEOUT_SECONDS STATE_FILE

Writes the executed notebook to DEST (also after a cell time-out), the kernel's process id to
STATE_FILE as "kernel-pid N" as soon as it runs (so the runner can end the kernel's whole
session on Ctrl-C), and any failure as one line "failure: ..." to STATE_FILE: no traceback.
Exit status: 0 done (cells with errors included), 3 malformed notebook, 4 cell time-out,
5 kernel died, 6 other failure.
"""
import os
import sys

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellTimeoutError, DeadKernelError


def main():
    source, dest, kernel, timeout, state = sys.argv[1:6]

    def record(line):
        with open(state, "a", encoding="utf-8") as f:
            f.write(line.replace("\n", " ").strip() + "\n")

    def fail(message, status):
        record("failure: " + message)
        sys.exit(status)

    try:
        nb = nbformat.read(source, as_version=4)
        nbformat.validate(nb)
    except Exception as e:  # any reason a file is not a notebook
        fail("malformed notebook: %s: %s" % (type(e).__name__, first_line(str(e))), 3)

    client = NotebookClient(nb, kernel_name=kernel, timeout=int(timeout), allow_errors=True,
                            resources={"metadata": {"path": os.path.dirname(os.path.abspath(source))}})
    running = {"cell": None}
    client.on_cell_start = lambda cell, cell_index: running.update(cell=(cell_index, cell))
    try:
        client.km = client.create_kernel_manager()
        client.start_new_kernel()
        record("kernel-pid %d" % kernel_pid(client.km))
        client.execute()
    except CellTimeoutError:
        drop_interrupt_errors(running["cell"])
        nbformat.write(nb, dest)
        fail("%s: timed out after %s s (--cell-timeout)" % (cell_name(running["cell"]), timeout), 4)
    except DeadKernelError as e:
        nbformat.write(nb, dest)
        fail("%s: the kernel died (%s)" % (cell_name(running["cell"]), first_line(str(e))), 5)
    except Exception as e:
        fail("%s: %s" % (type(e).__name__, first_line(str(e))), 6)
    nbformat.write(nb, dest)


def drop_interrupt_errors(running):
    """The time-out interrupts the kernel, and GoNB may (or may not, by timing) add an error
    output "signal: interrupt" to the cell: the time-out line already says why it ended."""
    if running is None:
        return
    _, cell = running
    cell.outputs = [o for o in cell.get("outputs", [])
                    if not (o.get("output_type") == "error" and "interrupt" in o.get("evalue", ""))]


def kernel_pid(km):
    provisioner = getattr(km, "provisioner", None)
    process = getattr(provisioner, "process", None) or getattr(km, "kernel", None)
    return process.pid


def cell_name(running):
    if running is None:
        return "before the first cell"
    index, cell = running
    source = cell.source.strip()
    line = source.split("\n")[0] + (" …" if "\n" in source else "")
    return "cell %d (%s)" % (index + 1, line[:60])


def first_line(text):
    for line in text.splitlines():
        if line.strip():
            return line.strip()[:200]
    return ""


if __name__ == "__main__":
    main()
