package tokencache

import (
	"fmt"
	"io/fs"
	"syscall"
)

// fileID is the device, inode, size, mtime and ctime of fi.
func fileID(path string, fi fs.FileInfo) (string, error) {
	st, ok := fi.Sys().(*syscall.Stat_t)
	if !ok {
		return contentID(path)
	}
	return fmt.Sprintf("%d:%d:%d:%d:%d", st.Dev, st.Ino, st.Size, st.Mtim.Nano(), st.Ctim.Nano()), nil
}
