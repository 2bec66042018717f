package types

import (
	"bytes"
	"fmt"
	"math/big"
	"strconv"
	"time"
)

// epochTime reads an EKS timestamp: REST-JSON sends epoch seconds with a
// fraction; an RFC 3339 string is accepted too.
type epochTime struct{ t time.Time }

func (e *epochTime) UnmarshalJSON(data []byte) error {
	if bytes.Equal(data, []byte("null")) {
		return nil
	}
	if len(data) > 0 && data[0] == '"' {
		s, err := strconv.Unquote(string(data))
		if err != nil {
			return err
		}
		t, err := time.Parse(time.RFC3339Nano, s)
		if err != nil {
			return fmt.Errorf("the timestamp %q is neither epoch seconds nor RFC 3339: %w", s, err)
		}
		e.t = t
		return nil
	}
	f, err := strconv.ParseFloat(string(data), 64)
	if err != nil {
		return fmt.Errorf("the timestamp %s is not epoch seconds: %w", data, err)
	}
	// Millisecond precision, truncated exactly as the SDK's
	// smithytime.ParseEpochSeconds does, so that both agree to the bit.
	ms, _ := new(big.Float).Mul(big.NewFloat(f), big.NewFloat(1e3)).Int64()
	e.t = time.Unix(0, ms*1e6).UTC()
	return nil
}

func (e *epochTime) time() *time.Time {
	if e == nil {
		return nil
	}
	t := e.t
	return &t
}
