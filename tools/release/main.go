// Command release builds eks-login's release archives for every platform krew
// serves and writes their sha256 into krew-manifest.yaml. The build is
// reproducible: the same commit gives the same bytes (no build paths, no
// build id, no VCS stamp, fixed archive metadata). Run it as "make release".
package main

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"time"
)

// Platforms are the (os, arch) pairs the krew manifest offers.
var Platforms = []struct{ OS, Arch string }{
	{"linux", "amd64"}, {"linux", "arm64"},
	{"darwin", "amd64"}, {"darwin", "arm64"},
	{"windows", "amd64"}, {"windows", "arm64"},
}

func main() {
	version := flag.String("version", "dev", "version to stamp and to name the archives with")
	commit := flag.String("commit", "none", "commit to stamp")
	dist := flag.String("dist", "dist", "output folder")
	manifest := flag.String("manifest", "krew-manifest.yaml", "krew manifest whose version, uris and sha256 to update ('' to skip)")
	flag.Parse()
	if err := run(*version, *commit, *dist, *manifest); err != nil {
		fmt.Fprintf(os.Stderr, "release: %v\n", err)
		os.Exit(1)
	}
}

func run(version, commit, dist, manifest string) error {
	sums, err := buildArchives(version, commit, dist, Platforms, os.Environ())
	if err != nil {
		return err
	}
	for _, p := range Platforms {
		fmt.Printf("%s  %s\n", sums[p.OS+"/"+p.Arch], ArchiveName(version, p.OS, p.Arch))
	}
	if manifest == "" {
		return nil
	}
	return updateManifest(manifest, version, sums)
}

// buildArchives builds one archive per platform into dist, running the Go
// tool with env, and returns their sha256 keyed "os/arch". It runs in the
// module root.
func buildArchives(version, commit, dist string, platforms []struct{ OS, Arch string }, env []string) (map[string]string, error) {
	if err := os.MkdirAll(dist, 0o755); err != nil {
		return nil, err
	}
	license, err := os.ReadFile("LICENSE")
	if err != nil {
		return nil, fmt.Errorf("krew wants a LICENSE in every archive: %w", err)
	}
	sums := map[string]string{}
	for _, p := range platforms {
		bin := "kubectl-eks_login"
		if p.OS == "windows" {
			bin += ".exe"
		}
		work, err := os.MkdirTemp("", "eks-login-release-")
		if err != nil {
			return nil, err
		}
		defer os.RemoveAll(work)
		cmd := exec.Command("go", "build", "-trimpath", "-buildvcs=false",
			"-ldflags", "-s -w -buildid= -X main.version="+version+" -X main.commit="+commit,
			"-o", filepath.Join(work, bin), "./cmd/kubectl-eks_login")
		cmd.Env = append(env, "GOOS="+p.OS, "GOARCH="+p.Arch, "CGO_ENABLED=0", "GOFLAGS=-mod=readonly")
		cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
		if err := cmd.Run(); err != nil {
			return nil, fmt.Errorf("build %s/%s: %w", p.OS, p.Arch, err)
		}
		exe, err := os.ReadFile(filepath.Join(work, bin))
		if err != nil {
			return nil, err
		}
		archive, err := tarGz([]file{{bin, exe, 0o755}, {"LICENSE", license, 0o644}})
		if err != nil {
			return nil, err
		}
		if err := os.WriteFile(filepath.Join(dist, ArchiveName(version, p.OS, p.Arch)), archive, 0o644); err != nil {
			return nil, err
		}
		sum := sha256.Sum256(archive)
		sums[p.OS+"/"+p.Arch] = hex.EncodeToString(sum[:])
	}
	return sums, nil
}

// ArchiveName names one platform's archive.
func ArchiveName(version, goos, goarch string) string {
	return fmt.Sprintf("kubectl-eks_login_%s_%s_%s.tar.gz", version, goos, goarch)
}

type file struct {
	name string
	data []byte
	mode int64
}

// tarGz packs files with fixed owners and times and a gzip header without a
// name or time, so equal inputs give equal bytes.
func tarGz(files []file) ([]byte, error) {
	var buf bytes.Buffer
	gz, err := gzip.NewWriterLevel(&buf, gzip.BestCompression)
	if err != nil {
		return nil, err
	}
	gz.ModTime = time.Time{}
	tw := tar.NewWriter(gz)
	epoch := time.Unix(0, 0).UTC()
	for _, f := range files {
		hdr := &tar.Header{Name: f.name, Mode: f.mode, Size: int64(len(f.data)), ModTime: epoch, Typeflag: tar.TypeReg, Format: tar.FormatUSTAR}
		if err := tw.WriteHeader(hdr); err != nil {
			return nil, err
		}
		if _, err := tw.Write(f.data); err != nil {
			return nil, err
		}
	}
	if err := tw.Close(); err != nil {
		return nil, err
	}
	if err := gz.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

var (
	versionLine = regexp.MustCompile(`(?m)^(  version: ).*$`)
	uriLine     = regexp.MustCompile(`(?m)^(\s*uri: \S*/releases/download/)[^/]+/kubectl-eks_login_[^_]+_(\w+)_(\w+)\.tar\.gz$`)
)

// updateManifest rewrites the version, each platform's uri and the sha256
// line that follows it; everything else in the manifest stays as written.
func updateManifest(path, version string, sums map[string]string) error {
	b, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	text := versionLine.ReplaceAllString(string(b), "${1}"+version)
	text = uriLine.ReplaceAllString(text, "${1}"+version+"/kubectl-eks_login_"+version+"_${2}_${3}.tar.gz")
	lines := strings.Split(text, "\n")
	seen := 0
	for i := 0; i < len(lines); i++ {
		m := uriLine.FindStringSubmatch(lines[i])
		if m == nil {
			continue
		}
		sum, ok := sums[m[2]+"/"+m[3]]
		if !ok {
			return fmt.Errorf("%s: no archive was built for %s/%s", path, m[2], m[3])
		}
		if i+1 >= len(lines) || !strings.Contains(lines[i+1], "sha256:") {
			return fmt.Errorf("%s: line %d: the uri must be followed by its sha256 line", path, i+1)
		}
		indent := lines[i+1][:strings.Index(lines[i+1], "sha256:")]
		// Quoted: an all-digit hash would otherwise read as a YAML number.
		lines[i+1] = indent + "sha256: \"" + sum + "\""
		seen++
	}
	if seen != len(sums) {
		return fmt.Errorf("%s names %d platform archives, want %d", path, seen, len(sums))
	}
	return os.WriteFile(path, []byte(strings.Join(lines, "\n")), 0o644)
}
