package main

// A PostgreSQL server of FerretDB's own, for --postgresql-data: initdb on first use, started on a free loopback
// port, stopped when FerretDB stops (and killed by the kernel if this process dies first). Started from here rather
// than by each caller so the tests and the bench share one way of running it. PostgreSQL refuses to run as root:
// when this process is root, initdb and postgres run as the `postgres` user (Debian's package makes it).

import (
	"fmt"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"sort"
	"strconv"
	"syscall"
	"time"
)

type pgServer struct {
	cmd    *exec.Cmd
	port   int
	exited chan struct{}
}

// pgBinDir finds PostgreSQL's server binaries: PG_BINDIR, then `pg_config --bindir`, then Debian's newest
// /usr/lib/postgresql/<version>/bin.
func pgBinDir() (string, error) {
	if d := os.Getenv("PG_BINDIR"); d != "" {
		return d, nil
	}
	if out, err := exec.Command("pg_config", "--bindir").Output(); err == nil {
		d := string(out[:len(out)-1])
		if _, err := os.Stat(filepath.Join(d, "initdb")); err == nil {
			return d, nil
		}
	}
	dirs, _ := filepath.Glob("/usr/lib/postgresql/*/bin")
	sort.Slice(dirs, func(i, j int) bool {
		vi, _ := strconv.Atoi(filepath.Base(filepath.Dir(dirs[i])))
		vj, _ := strconv.Atoi(filepath.Base(filepath.Dir(dirs[j])))
		return vi < vj
	})
	for i := len(dirs) - 1; i >= 0; i-- {
		if _, err := os.Stat(filepath.Join(dirs[i], "initdb")); err == nil {
			return dirs[i], nil
		}
	}
	return "", fmt.Errorf("PostgreSQL's server binaries (initdb, postgres) not found; install Debian's postgresql or set PG_BINDIR")
}

// asUser returns the credential to run PostgreSQL with: none unless this process is root, then `postgres`'s.
func asUser() (*syscall.Credential, error) {
	if os.Geteuid() != 0 {
		return nil, nil
	}
	u, err := user.Lookup("postgres")
	if err != nil {
		return nil, fmt.Errorf("running as root, PostgreSQL needs the 'postgres' user to run as: %v", err)
	}
	uid, _ := strconv.Atoi(u.Uid)
	gid, _ := strconv.Atoi(u.Gid)
	return &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid)}, nil
}

func freeLoopbackPort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

func chownTree(dir string, cred *syscall.Credential) error {
	return filepath.Walk(dir, func(p string, _ os.FileInfo, err error) error {
		if err != nil {
			return err
		}
		return os.Lchown(p, int(cred.Uid), int(cred.Gid))
	})
}

// startPostgres initialises dataDir when it holds no cluster yet and starts the server; its log is dataDir + ".log".
func startPostgres(dataDir string, statements bool) (*pgServer, error) {
	bin, err := pgBinDir()
	if err != nil {
		return nil, err
	}
	cred, err := asUser()
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(dataDir, 0o700); err != nil {
		return nil, err
	}
	if cred != nil {
		if err := chownTree(dataDir, cred); err != nil {
			return nil, err
		}
		// The postgres user must be able to pass through the directory holding the cluster (a temp dir made by
		// root is 0700): search permission only, nothing in it becomes readable.
		parent := filepath.Dir(filepath.Clean(dataDir))
		if st, err := os.Stat(parent); err == nil && st.Mode().Perm()&0o001 == 0 {
			if err := os.Chmod(parent, st.Mode().Perm()|0o011); err != nil {
				return nil, err
			}
		}
	}
	logFile, err := os.OpenFile(dataDir+".log", os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return nil, err
	}
	defer logFile.Close()
	if cred != nil {
		_ = os.Chown(dataDir+".log", int(cred.Uid), int(cred.Gid))
	}
	if _, err := os.Stat(filepath.Join(dataDir, "PG_VERSION")); err != nil {
		initdb := exec.Command(filepath.Join(bin, "initdb"), "-D", dataDir, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-sync")
		initdb.Stdout, initdb.Stderr = logFile, logFile
		initdb.SysProcAttr = &syscall.SysProcAttr{Credential: cred}
		if err := initdb.Run(); err != nil {
			return nil, fmt.Errorf("initdb %s failed (%v); see %s.log", dataDir, err, dataDir)
		}
	}
	port, err := freeLoopbackPort()
	if err != nil {
		return nil, err
	}
	// synchronous_commit=off: a commit does not wait for its WAL flush (a crash of the server can lose the last few
	// hundred ms of commits, never consistency), the nearest match to the SQLite backend's synchronous=NORMAL.
	cmd := exec.Command(filepath.Join(bin, "postgres"), "-D", dataDir, "-p", strconv.Itoa(port),
		"-c", "listen_addresses=127.0.0.1", "-c", "unix_socket_directories="+dataDir,
		"-c", "synchronous_commit=off", "-c", "max_connections=200")
	if statements {
		// pg_stat_statements (shipped with Debian's server package): calls, time and rows per statement shape, to see
		// which of FerretDB's statements a workload costs (diagnosis only; it adds a little to every statement).
		cmd.Args = append(cmd.Args, "-c", "shared_preload_libraries=pg_stat_statements", "-c", "pg_stat_statements.track=all")
	}
	cmd.Stdout, cmd.Stderr = logFile, logFile
	// Pdeathsig: the server goes when this process does, even on SIGKILL (no orphaned cluster holding the port).
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: cred, Pdeathsig: syscall.SIGQUIT}
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	exited := make(chan struct{})
	s := &pgServer{cmd: cmd, port: port, exited: exited}
	go func() {
		_ = cmd.Wait()
		close(exited)
	}()
	deadline := time.Now().Add(30 * time.Second)
	for {
		select {
		case <-exited:
			return nil, fmt.Errorf("postgres exited before it listened; see %s.log", dataDir)
		default:
		}
		if c, err := net.DialTimeout("tcp", fmt.Sprintf("127.0.0.1:%d", port), time.Second); err == nil {
			c.Close()
			// Accepting TCP is not yet accepting sessions (recovery, start-up): FerretDB retries its own pool.
			return s, nil
		}
		if time.Now().After(deadline) {
			s.stop()
			return nil, fmt.Errorf("postgres did not listen on 127.0.0.1:%d within 30 s; see %s.log", port, dataDir)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func (s *pgServer) url() string {
	return fmt.Sprintf("postgres://postgres@127.0.0.1:%d/postgres", s.port)
}

// stop asks for a fast shutdown (SIGINT) and waits up to 10 s, then kills.
func (s *pgServer) stop() {
	if s.cmd.Process == nil {
		return
	}
	_ = s.cmd.Process.Signal(syscall.SIGINT)
	select {
	case <-s.exited:
	case <-time.After(10 * time.Second):
		_ = s.cmd.Process.Kill()
		<-s.exited
	}
}
