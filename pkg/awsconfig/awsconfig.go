// Package awsconfig reads the AWS shared config and credentials files and
// plans edits of one profile in the config file.
//
// People keep these files by hand: comments, their own order, odd spacing,
// CRLF line ends, profiles of other tools. An edit must leave every byte
// outside the profile it owns exactly as it was. gopkg.in/ini.v1 checks the
// file and reads values, but its writer normalises the whole file, so edits
// are spliced into the raw bytes instead: the file is scanned into lines, the
// profile's byte range is found, and only the lines that change are replaced.
package awsconfig

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"path/filepath"
	"strings"

	"gopkg.in/ini.v1"

	"github.com/eks-login/eks-login/pkg/fsutil"
)

// Kind tells the config file from the credentials file: the config file
// names a profile "[profile NAME]" (except "[default]"), the credentials file
// names it "[NAME]".
type Kind int

const (
	ConfigFile Kind = iota
	CredentialsFile
)

func (k Kind) String() string {
	if k == CredentialsFile {
		return "credentials file"
	}
	return "config file"
}

// ManagedMarker is the comment line that login writes inside a profile it
// creates. Logout removes a profile only when it carries this line, so a
// profile the user wrote by hand is never deleted.
const ManagedMarker = "# managed by kubectl eks-login"

// ConfigPath is the config file the AWS CLI and SDKs read: $AWS_CONFIG_FILE,
// else ~/.aws/config.
func ConfigPath(getenv func(string) string, home string) string {
	if p := getenv("AWS_CONFIG_FILE"); p != "" {
		return expandHome(p, home)
	}
	return filepath.Join(home, ".aws", "config")
}

// CredentialsPath is the credentials file: $AWS_SHARED_CREDENTIALS_FILE, else
// ~/.aws/credentials.
func CredentialsPath(getenv func(string) string, home string) string {
	if p := getenv("AWS_SHARED_CREDENTIALS_FILE"); p != "" {
		return expandHome(p, home)
	}
	return filepath.Join(home, ".aws", "credentials")
}

// expandHome expands a leading "~/" as the AWS CLI does for these variables.
func expandHome(p, home string) string {
	if p == "~" {
		return home
	}
	if strings.HasPrefix(p, "~/") || strings.HasPrefix(p, `~\`) {
		return filepath.Join(home, p[2:])
	}
	return p
}

// ParseError reports a file that the AWS tools could not read either, with the
// line to fix. Its message names the file, the line and the key, never a
// value or the text of a line: a malformed line may hold a secret key.
type ParseError struct {
	Path string
	Line int // 1-based; 0 when unknown
	Msg  string
}

func (e *ParseError) Error() string {
	if e.Line > 0 {
		return fmt.Sprintf("%s line %d: %s", e.Path, e.Line, e.Msg)
	}
	return fmt.Sprintf("%s: %s", e.Path, e.Msg)
}

// File is a parsed config or credentials file with its raw bytes.
type File struct {
	Path string
	Kind Kind
	// Data is the file's content; Exists is false for a file that is not
	// there yet, which reads as empty.
	Data   []byte
	Exists bool

	lines    []line
	sections []section
	ini      *ini.File
}

type lineKind int

const (
	blankLine lineKind = iota
	commentLine
	headerLine
	keyLine
	continuationLine // an indented line under a key with an empty value (s3 = ...)
)

type line struct {
	start, end, next int // end is before the line end; next is the following line's start
	kind             lineKind
	text             string // the line without leading blanks or line end
	key              string // lower case, for key lines
	valStart         int    // offset of the value, after the delimiter and blanks
	delim            int    // offset of the delimiter
}

type section struct {
	raw     string // the text between the brackets, as ini.v1 names the section
	profile string // the profile it defines, or "" (sso-session, services...)
	header  int    // index of the header line
	end     int    // index after the section's last line
	bodyEnd int    // index after the last header, key or continuation line
}

// Load reads and parses path. A missing file is an empty one (Exists false):
// login creates it.
func Load(path string, kind Kind) (*File, error) {
	data, err := fsutil.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return Parse(path, kind, nil, false)
	}
	if errors.Is(err, fsutil.ErrRefused) {
		return nil, fmt.Errorf("the AWS %s: %w", kind, err)
	}
	if err != nil {
		return nil, fmt.Errorf("cannot read the AWS %s %s: %w", kind, path, err)
	}
	return Parse(path, kind, data, true)
}

// Parse parses data as the content of path.
func Parse(path string, kind Kind, data []byte, exists bool) (*File, error) {
	f := &File{Path: path, Kind: kind, Data: data, Exists: exists}
	if err := f.scan(); err != nil {
		return nil, err
	}
	// ini.v1 is the reference reader; the scan above only finds byte ranges.
	// Options as close to the AWS tools as it allows: nested "s3 =" values,
	// keys in any case, comments after a blank.
	cfg, err := ini.LoadSources(ini.LoadOptions{
		AllowNestedValues:        true,
		InsensitiveKeys:          true,
		SpaceBeforeInlineComment: true,
	}, data)
	if err != nil {
		// ini.v1's message quotes the text it stopped at, which may be a secret.
		return nil, &ParseError{Path: path, Msg: "cannot be parsed by the ini reader (its message is not shown, as it quotes the file); look for an unclosed quote or backtick"}
	}
	f.ini = cfg
	return f, nil
}

// scan splits the file into lines and sections, rejecting what the AWS CLI
// rejects: an unclosed section header, a line that is no key, no header and
// no comment, and keys before the first section.
func (f *File) scan() error {
	data := f.Data
	pos := 0
	if bytes.HasPrefix(data, []byte("\xef\xbb\xbf")) {
		pos = 3 // a UTF-8 byte order mark, which ini.v1 skips too
	}
	cur := -1 // index of the section being read
	lastValueEmpty := false
	for pos < len(data) {
		l, indented := splitLine(data, pos)
		lineNo := len(f.lines) + 1
		switch {
		case strings.TrimSpace(l.text) == "":
			l.kind = blankLine
		case l.text[0] == '#' || l.text[0] == ';':
			l.kind = commentLine
		case l.text[0] == '[':
			closing := strings.LastIndexByte(l.text, ']')
			if closing < 0 {
				return &ParseError{Path: f.Path, Line: lineNo, Msg: `a section header has no closing "]"`}
			}
			l.kind = headerLine
			if cur >= 0 {
				f.sections[cur].end = len(f.lines)
			}
			raw := l.text[1:closing]
			f.sections = append(f.sections, section{raw: raw, profile: f.profileOf(raw), header: len(f.lines), bodyEnd: len(f.lines) + 1})
			cur = len(f.sections) - 1
			lastValueEmpty = false
		case indented && lastValueEmpty:
			l.kind = continuationLine
		default:
			if err := f.scanKey(&l, lineNo); err != nil {
				return err
			}
			if cur < 0 {
				return &ParseError{Path: f.Path, Line: lineNo, Msg: fmt.Sprintf("%s comes before any [section] header", keyName(l.key))}
			}
			lastValueEmpty = l.valStart == l.end
		}
		f.lines = append(f.lines, l)
		if cur >= 0 && (l.kind == keyLine || l.kind == continuationLine) {
			f.sections[cur].bodyEnd = len(f.lines)
		}
		pos = l.next
	}
	if cur >= 0 {
		f.sections[cur].end = len(f.lines)
	}
	return nil
}

// splitLine reads the line that starts at pos: its bounds without the line
// break (and a CR before it), and its text without leading blanks, which an
// indented line loses (it may continue the value above it).
func splitLine(data []byte, pos int) (l line, indented bool) {
	l.start = pos
	nl := bytes.IndexByte(data[pos:], '\n')
	if nl < 0 {
		l.end, l.next = len(data), len(data)
	} else {
		l.end, l.next = pos+nl, pos+nl+1
	}
	if l.end > l.start && data[l.end-1] == '\r' {
		l.end--
	}
	raw := string(data[l.start:l.end])
	l.text = strings.TrimLeft(raw, " \t\f\v")
	return l, len(l.text) < len(raw)
}

// scanKey reads a "key = value" line: where its key, delimiter and value are.
func (f *File) scanKey(l *line, lineNo int) error {
	i := strings.IndexAny(l.text, "=:")
	if i < 0 {
		return &ParseError{Path: f.Path, Line: lineNo, Msg: `the line is not a "key = value" line, a [section] header or a comment (its text is not shown: it may hold a secret)`}
	}
	key := strings.TrimSpace(l.text[:i])
	if key == "" {
		return &ParseError{Path: f.Path, Line: lineNo, Msg: fmt.Sprintf("there is no key before the %q", l.text[i:i+1])}
	}
	l.kind = keyLine
	l.key = strings.ToLower(key)
	l.delim = l.end - len(l.text) + i
	l.valStart = l.delim + 1
	for l.valStart < l.end && (f.Data[l.valStart] == ' ' || f.Data[l.valStart] == '\t') {
		l.valStart++
	}
	// ini.v1 reads a value opened by """ as running to the next """,
	// over any lines and section headers, where the AWS CLI reads one
	// line: the two would disagree about where our profile is.
	if opener := multiLineOpener(string(f.Data[l.valStart:l.end])); opener != "" {
		return &ParseError{Path: f.Path, Line: lineNo, Msg: fmt.Sprintf("the value of %s starts with %s; the AWS CLI reads it as plain text but the ini reader eks-login uses as a multi-line value, so eks-login will not edit this file. Remove or quote the value differently", keyName(key), opener)}
	}
	return nil
}

// multiLineOpener is what makes ini.v1 read a value over several lines: an
// opening """, or a backtick that the line does not close.
func multiLineOpener(value string) string {
	switch {
	case strings.HasPrefix(value, `"""`):
		return `"""`
	case strings.HasPrefix(value, "`") && !strings.Contains(value[1:], "`"):
		return "an unclosed backtick"
	}
	return ""
}

// keyName quotes a key for a message when it looks like one; anything else
// (a secret with a blank in it, before a "=") is not shown.
func keyName(key string) string {
	if key == "" || len(key) > 64 || strings.Trim(strings.ToLower(key), "abcdefghijklmnopqrstuvwxyz0123456789_-.") != "" {
		return "a key (not shown: it is not a key name)"
	}
	return fmt.Sprintf("the key %q", key)
}

// profileOf names the profile a section header defines, as the AWS CLI reads
// it: "[default]" and "[profile NAME]" in the config file, "[NAME]" in the
// credentials file.
func (f *File) profileOf(raw string) string {
	if f.Kind == CredentialsFile {
		return strings.TrimSpace(raw)
	}
	fields := strings.Fields(raw)
	switch {
	case len(fields) == 1 && fields[0] == "default":
		return "default"
	case len(fields) == 2 && fields[0] == "profile":
		return fields[1]
	}
	return ""
}

// Profile is one profile as the file has it.
type Profile struct {
	Name string
	Line int // of its header, 1-based
	// Values are the profile's keys (lower case) and values, as ini.v1 reads them.
	Values map[string]string
	// KeyLines are the 1-based lines the keys are set on, for errors that
	// point at the line to fix.
	KeyLines map[string]int
	// Managed tells that the profile carries ManagedMarker: login created it.
	Managed bool
}

// Profile returns the named profile, or false when the file has none.
func (f *File) Profile(name string) (*Profile, bool) {
	secs := f.sectionsOf(name)
	if len(secs) == 0 {
		return nil, false
	}
	return f.collect(name, secs), true
}

// SSOSession returns the config file's [sso-session NAME] section, whose
// keys the profiles that name it in sso_session share.
func (f *File) SSOSession(name string) (*Profile, bool) {
	var secs []int
	for i, s := range f.sections {
		if fields := strings.Fields(s.raw); len(fields) == 2 && fields[0] == "sso-session" && fields[1] == name {
			secs = append(secs, i)
		}
	}
	if f.Kind != ConfigFile || len(secs) == 0 {
		return nil, false
	}
	return f.collect(name, secs), true
}

// collect reads the sections secs, in file order, into one Profile: a name
// given twice is one profile, later keys winning, as with the AWS tools.
func (f *File) collect(name string, secs []int) *Profile {
	p := &Profile{Name: name, Line: f.sections[secs[0]].header + 1, Values: map[string]string{}, KeyLines: map[string]int{}}
	for _, si := range secs {
		s := f.sections[si]
		if sec, err := f.ini.GetSection(s.raw); err == nil {
			for _, k := range sec.Keys() {
				p.Values[k.Name()] = k.String()
			}
		}
		for i := s.header + 1; i < s.end; i++ {
			if f.lines[i].kind == keyLine {
				p.KeyLines[f.lines[i].key] = i + 1
			}
		}
		p.Managed = p.Managed || f.managed(s)
	}
	return p
}

// Profiles lists the names of the file's profiles in file order.
func (f *File) Profiles() []string {
	var names []string
	seen := map[string]bool{}
	for _, s := range f.sections {
		if s.profile != "" && !seen[s.profile] {
			seen[s.profile] = true
			names = append(names, s.profile)
		}
	}
	return names
}

func (f *File) sectionsOf(name string) []int {
	var out []int
	for i, s := range f.sections {
		if s.profile == name {
			out = append(out, i)
		}
	}
	return out
}

func (f *File) managed(s section) bool { return f.marked(s, ManagedMarker) }

// marked tells whether the section holds the comment line marker.
func (f *File) marked(s section, marker string) bool {
	for i := s.header + 1; i < s.end; i++ {
		if f.lines[i].kind == commentLine && strings.TrimSpace(f.lines[i].text) == marker {
			return true
		}
	}
	return false
}

// eol is the file's line end: CRLF when the file already uses it, so that
// added lines match the lines around them.
func (f *File) eol() string {
	if bytes.Contains(f.Data, []byte("\r\n")) {
		return "\r\n"
	}
	return "\n"
}
