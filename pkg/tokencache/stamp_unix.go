//go:build unix

package tokencache

import (
	"fmt"
	"io/fs"

	"golang.org/x/sys/unix"
)

// fileID is the device, inode, size, mtime and ctime of the file at path
// (after links). x/sys/unix names the fields alike on every Unix.
func fileID(path string, _ fs.FileInfo) (string, error) {
	var st unix.Stat_t
	if err := unix.Stat(path, &st); err != nil {
		return contentID(path)
	}
	return fmt.Sprintf("%d:%d:%d:%d:%d", st.Dev, st.Ino, st.Size, st.Mtim.Nano(), st.Ctim.Nano()), nil
}
