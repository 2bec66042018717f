// Package exitcode is eks-login's one error taxonomy at the process
// boundary: an exit code per kind of failure, carried by the errors
// themselves, so scripts can tell the kinds apart. The codes are documented
// in the README; never renumber them. pkg/awserr and pkg/kube sort AWS and
// Kubernetes errors into these codes.
package exitcode

import (
	"errors"
	"fmt"
)

// The exit codes.
const (
	OK           = 0
	Failure      = 1 // anything not listed below
	Usage        = 2 // bad flags or arguments
	Input        = 3 // a malformed or unusable file: ~/.aws/config, kubeconfig, aws-auth, cache
	Credentials  = 4 // no AWS credentials, expired ones, or an MFA code that cannot be asked for
	AccessDenied = 5 // AWS said AccessDenied (AssumeRole, DescribeCluster, IAM)
	Network      = 6 // DNS, connection or TLS failure
	Unauthorized = 7 // the cluster does not know who we are (no mapping)
	Forbidden    = 8 // the cluster knows us but RBAC says no
	Conflict     = 9 // refused to overwrite something without --yes or --force
	// Incomplete is admin diff's failure that none of the codes above
	// names: diff exits 1 on drift, as diff(1) does on a difference.
	Incomplete = 10
)

// Error is an error that knows the process's exit code.
type Error struct {
	Code int
	Err  error
}

func (e *Error) Error() string { return e.Err.Error() }
func (e *Error) Unwrap() error { return e.Err }

// WithCode marks err with an exit code; a nil err stays nil.
func WithCode(code int, err error) error {
	if err == nil {
		return nil
	}
	return &Error{Code: code, Err: err}
}

// Errorf is fmt.Errorf with an exit code.
func Errorf(code int, format string, args ...any) error {
	return &Error{Code: code, Err: fmt.Errorf(format, args...)}
}

// Of returns the exit code an error asks for: the outermost code in its
// chain, or Failure.
func Of(err error) int {
	if err == nil {
		return OK
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return Failure
}
