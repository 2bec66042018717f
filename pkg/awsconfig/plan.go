package awsconfig

import (
	"fmt"
	"sort"
	"strings"
	"unicode"

	"github.com/eks-login/eks-login/pkg/fileplan"
)

// Setting is one key that an edit wants in a profile.
type Setting struct {
	Key, Value string
	// KeepExisting leaves a different value in the file alone: the key is a
	// preference of the user's (output = yaml), not part of the role.
	KeepExisting bool
	// Defining marks the key that makes the profile what it is (role_arn):
	// adding it to an existing profile that lacks it turns someone's profile
	// into another one, so it counts as a conflict like a changed value.
	Defining bool
}

// Change is one key that the plan adds or changes.
type Change struct {
	Key      string
	Old, New string
	Line     int // 1-based line of the existing key; 0 for an added key
	// Conflict marks a change that replaces something the user has:
	// applying it needs the user's consent (--yes).
	Conflict bool
}

// Plan is the planned edit of one profile in the config file.
type Plan struct {
	fileplan.File
	Profile string
	// Line is the profile header's line in the old file, 0 when the profile
	// is new (Added) or was not there (for a removal).
	Line int
	// Added tells that the profile is new and is appended to the file.
	Added bool
	// Removed tells that the plan deletes the profile (logout).
	Removed bool
	// Changes lists the keys that change, in the order of the settings.
	Changes []Change
}

// Conflicts are the changes that replace what the user has.
func (p *Plan) Conflicts() []Change {
	var out []Change
	for _, c := range p.Changes {
		if c.Conflict {
			out = append(out, c)
		}
	}
	return out
}

// ConflictSummary describes the conflicts as one sentence naming the file,
// the line and each key.
func (p *Plan) ConflictSummary() string {
	var parts []string
	for _, c := range p.Conflicts() {
		if c.Old == "" {
			parts = append(parts, fmt.Sprintf("%s would be added (the profile has none)", c.Key))
		} else {
			parts = append(parts, fmt.Sprintf("%s is %q (line %d), not %q", c.Key, c.Old, c.Line, c.New))
		}
	}
	return fmt.Sprintf("%s already has %s (line %d) with other values: %s", p.Path, headerFor(p.Profile), p.Line, strings.Join(parts, "; "))
}

// headerFor is the header login writes for a profile in the config file.
func headerFor(profile string) string {
	if profile == "default" {
		return "[default]"
	}
	return "[profile " + profile + "]"
}

// ValidateProfileName rejects names the config file cannot hold: the AWS CLI
// splits "[profile NAME]" at blanks, and brackets or comment signs would end
// the header early.
func ValidateProfileName(name string) error {
	if name == "" {
		return fmt.Errorf("the profile name is empty")
	}
	if strings.ContainsAny(name, "[]#;=") || strings.IndexFunc(name, func(r rune) bool { return unicode.IsSpace(r) || unicode.IsControl(r) }) >= 0 {
		return fmt.Errorf("the profile name %q contains a blank, a control character or one of []#;= which the AWS config file cannot hold in a header", name)
	}
	return nil
}

func validateValue(s Setting) error {
	if strings.ContainsAny(s.Value, "\r\n") {
		return fmt.Errorf("the value of %s contains a line break", s.Key)
	}
	if s.Value != strings.TrimSpace(s.Value) || s.Value == "" {
		return fmt.Errorf("the value of %s is empty or starts or ends with a blank: %q", s.Key, s.Value)
	}
	if strings.HasPrefix(s.Value, "\"") || strings.HasPrefix(s.Value, "`") || strings.HasPrefix(s.Value, "'") || strings.HasSuffix(s.Value, "\\") ||
		strings.Contains(s.Value, " #") || strings.Contains(s.Value, " ;") || strings.Contains(s.Value, "\t#") || strings.Contains(s.Value, "\t;") {
		return fmt.Errorf("the value of %s starts with a quote, ends with a backslash or holds a comment sign after a blank, which the config file reader would not keep: %q", s.Key, s.Value)
	}
	if strings.ContainsAny(s.Key, " \t\r\n[]#;=:") || s.Key == "" {
		return fmt.Errorf("%q is not a key the config file can hold", s.Key)
	}
	return nil
}

// PlanSetProfile plans the edit that gives profile name the settings. A new
// profile is appended with ManagedMarker; in an existing one, keys with other
// values are replaced where they stand, missing keys are added after its last
// key, and every other key, comment and byte of the file is kept. When every
// value is already there the plan changes nothing.
//
// Conflicting values do not stop the plan: they are marked in Changes, and
// the caller decides whether to apply (with --yes) or to show the diff and
// refuse.
func (f *File) PlanSetProfile(name string, settings []Setting) (*Plan, error) {
	return f.planSetProfile(name, settings, "")
}

// planSetProfile is PlanSetProfile; a new profile is marked with
// DiscoveryMarker(discovery) too when discovery is set.
func (f *File) planSetProfile(name string, settings []Setting, discovery string) (*Plan, error) {
	if f.Kind != ConfigFile {
		return nil, fmt.Errorf("profiles with role_arn are written to the config file, not to the %s %s", f.Kind, f.Path)
	}
	if err := ValidateProfileName(name); err != nil {
		return nil, err
	}
	for _, s := range settings {
		if err := validateValue(s); err != nil {
			return nil, fmt.Errorf("cannot write [profile %s]: %w", name, err)
		}
	}
	p := &Plan{File: fileplan.File{Path: f.Path, Old: f.Data, Existed: f.Exists}, Profile: name}
	secs := f.sectionsOf(name)
	switch len(secs) {
	case 0:
		p.Added = true
		p.New = f.appendProfile(name, settings, discovery)
		for _, s := range settings {
			p.Changes = append(p.Changes, Change{Key: s.Key, New: s.Value})
		}
	case 1:
		out, err := f.editProfile(f.sections[secs[0]], settings, p)
		if err != nil {
			return nil, err
		}
		p.New = out
	default:
		var at []string
		for _, si := range secs {
			at = append(at, fmt.Sprint(f.sections[si].header+1))
		}
		return nil, fmt.Errorf("%s defines profile %s %d times (lines %s); merge them into one section and run the command again", f.Path, name, len(secs), strings.Join(at, ", "))
	}
	if err := f.check(p, settings); err != nil {
		return nil, err
	}
	return p, nil
}

// appendProfile adds a new section at the end, after one blank line.
func (f *File) appendProfile(name string, settings []Setting, discovery string) []byte {
	eol := f.eol()
	var b strings.Builder
	b.Write(f.Data)
	if len(f.Data) > 0 {
		if !strings.HasSuffix(string(f.Data), "\n") {
			b.WriteString(eol)
		}
		if !endsWithBlankLine(f.Data) {
			b.WriteString(eol)
		}
	}
	b.WriteString(headerFor(name) + eol)
	b.WriteString(ManagedMarker + eol)
	if discovery != "" {
		b.WriteString(DiscoveryMarker(discovery) + eol)
	}
	for _, s := range settings {
		b.WriteString(s.Key + " = " + s.Value + eol)
	}
	return []byte(b.String())
}

func endsWithBlankLine(data []byte) bool {
	s := strings.TrimSuffix(string(data), "\n")
	s = strings.TrimSuffix(s, "\r")
	return s == "" || strings.HasSuffix(s, "\n")
}

type splice struct {
	start, end int
	text       string
}

// editProfile replaces or adds keys inside one existing section.
func (f *File) editProfile(s section, settings []Setting, p *Plan) ([]byte, error) {
	p.Line = s.header + 1
	sec, err := f.ini.GetSection(s.raw)
	if err != nil {
		return nil, fmt.Errorf("%s line %d: ini.v1 does not see the section %q: %w", f.Path, p.Line, s.raw, err)
	}
	var splices []splice
	var added []string
	for _, set := range settings {
		var at []int
		for i := s.header + 1; i < s.end; i++ {
			if f.lines[i].kind == keyLine && f.lines[i].key == strings.ToLower(set.Key) {
				at = append(at, i)
			}
		}
		switch {
		case len(at) > 1:
			return nil, fmt.Errorf("%s has %s %d times in %s (lines %d and %d); keep one and run the command again", f.Path, set.Key, len(at), headerFor(p.Profile), at[0]+1, at[1]+1)
		case len(at) == 0:
			added = append(added, set.Key+" = "+set.Value)
			p.Changes = append(p.Changes, Change{Key: set.Key, New: set.Value, Conflict: set.Defining})
		default:
			old := sec.Key(strings.ToLower(set.Key)).String()
			if old == set.Value || set.KeepExisting {
				continue
			}
			li := at[0]
			p.Changes = append(p.Changes, Change{Key: set.Key, Old: old, New: set.Value, Line: li + 1, Conflict: true})
			l := f.lines[li]
			end := l.end
			// A value spread over indented lines is replaced whole.
			for j := li + 1; j < s.end && (f.lines[j].kind == continuationLine || f.lines[j].kind == blankLine); j++ {
				if f.lines[j].kind == continuationLine {
					end = f.lines[j].end
				}
			}
			text := set.Value
			if l.valStart == l.delim+1 {
				text = " " + text // "key =value" or "key =": keep the value apart
			}
			splices = append(splices, splice{l.valStart, end, text})
		}
	}
	if len(added) > 0 {
		eol := f.eol()
		last := f.lines[s.bodyEnd-1]
		text := strings.Join(added, eol) + eol
		if last.next == last.end { // the last line of the file has no line end
			text = eol + text
		}
		splices = append(splices, splice{last.next, last.next, text})
	}
	return apply(f.Data, splices), nil
}

func apply(data []byte, splices []splice) []byte {
	sort.Slice(splices, func(i, j int) bool { return splices[i].start > splices[j].start })
	out := append([]byte(nil), data...)
	for _, sp := range splices {
		out = append(out[:sp.start], append([]byte(sp.text), out[sp.end:]...)...)
	}
	return out
}

// check reads the planned content back with ini.v1 and compares it with what
// the plan meant to write, so a splice mistake is caught before the file is.
func (f *File) check(p *Plan, settings []Setting) error {
	nf, err := Parse(f.Path, f.Kind, p.New, true)
	if err != nil {
		return fmt.Errorf("internal error: the planned %s would not parse: %w", f.Path, err)
	}
	got, ok := nf.Profile(p.Profile)
	if !ok {
		return fmt.Errorf("internal error: the planned %s has no profile %s", f.Path, p.Profile)
	}
	for _, s := range settings {
		if v := got.Values[strings.ToLower(s.Key)]; v != s.Value && !s.KeepExisting {
			return fmt.Errorf("internal error: the planned %s reads %s = %q, not %q", f.Path, s.Key, v, s.Value)
		}
	}
	if old, ok := f.Profile(p.Profile); ok {
		for k, v := range old.Values {
			if _, ours := settingFor(settings, k); !ours && got.Values[k] != v {
				return fmt.Errorf("internal error: the planned %s changes %s of profile %s", f.Path, k, p.Profile)
			}
		}
	}
	return nil
}

func settingFor(settings []Setting, key string) (Setting, bool) {
	for _, s := range settings {
		if strings.EqualFold(s.Key, key) {
			return s, true
		}
	}
	return Setting{}, false
}

// PlanRemoveProfile plans the removal of a profile that login created (it
// carries ManagedMarker): its header, the marker, its keys and the blank line
// login put before it. A profile without the marker is the user's and is left
// alone; Removed tells which happened. Comments after the profile's last key
// are left too, since they may belong to the next section.
func (f *File) PlanRemoveProfile(name string) (*Plan, error) {
	p := &Plan{File: fileplan.File{Path: f.Path, Old: f.Data, Existed: f.Exists, New: f.Data}, Profile: name}
	secs := f.sectionsOf(name)
	if len(secs) == 0 {
		return p, nil
	}
	if len(secs) > 1 {
		return nil, fmt.Errorf("%s defines profile %s %d times; remove the copies by hand", f.Path, name, len(secs))
	}
	s := f.sections[secs[0]]
	p.Line = s.header + 1
	if !f.managed(s) {
		return p, nil
	}
	start := f.lines[s.header].start
	end := f.lines[s.bodyEnd-1].next
	// Remove the blank line before the section when the removal would
	// otherwise leave two blank lines, or one at the end of the file: undo
	// what appendProfile added.
	if s.header > 0 && f.lines[s.header-1].kind == blankLine {
		if s.bodyEnd == len(f.lines) || f.lines[s.bodyEnd].kind == blankLine {
			start = f.lines[s.header-1].start
		}
	}
	p.New = apply(f.Data, []splice{{start, end, ""}})
	p.Removed = true
	return p, nil
}

// DiscoveryMarker is the comment line that a discovery (kubectl eks-login
// --sso-session NAME, say) writes under ManagedMarker in a profile it
// creates: scope names the discovery, so that its --prune removes its own
// profiles and nothing else.
func DiscoveryMarker(scope string) string { return "# discovered by kubectl eks-login: " + scope }

// validateDiscovery refuses a scope that the marker's line cannot hold.
func validateDiscovery(scope string) error {
	if strings.ContainsAny(scope, "\r\n") || strings.TrimSpace(scope) != scope {
		return fmt.Errorf("the discovery %q cannot be written in a comment line", scope)
	}
	return nil
}

// ProfileEdit is one profile of a ProfilesPlan.
type ProfileEdit struct {
	Name     string
	Settings []Setting
	// Discovery, when set, marks a new profile with DiscoveryMarker.
	Discovery string
}

// ProfilesPlan is several profiles' edits of one file, as one plan: one
// write, under one lock.
type ProfilesPlan struct {
	fileplan.File
	// Steps are each profile's own plan, in order, each made from the
	// file as the steps before it left it: settings first, then removals.
	Steps []*Plan
}

// PlanProfiles plans the edits of set (as PlanSetProfile plans each) and
// the removals of remove (as PlanRemoveProfile), in one plan.
func (f *File) PlanProfiles(set []ProfileEdit, remove []string) (*ProfilesPlan, error) {
	pp := &ProfilesPlan{File: fileplan.File{Path: f.Path, Old: f.Data, Existed: f.Exists, New: f.Data}}
	cur := f
	step := func(p *Plan) error {
		pp.Steps = append(pp.Steps, p)
		pp.New = p.New
		if !p.Changed() {
			return nil
		}
		var err error
		cur, err = Parse(f.Path, f.Kind, p.New, true)
		return err
	}
	for _, e := range set {
		if err := validateDiscovery(e.Discovery); err != nil {
			return nil, err
		}
		p, err := cur.planSetProfile(e.Name, e.Settings, e.Discovery)
		if err == nil {
			err = step(p)
		}
		if err != nil {
			return nil, err
		}
	}
	for _, name := range remove {
		p, err := cur.PlanRemoveProfile(name)
		if err == nil {
			err = step(p)
		}
		if err != nil {
			return nil, err
		}
	}
	return pp, nil
}

// Discovered lists the profiles of the file that the discovery scope
// created (DiscoveryMarker), in file order.
func (f *File) Discovered(scope string) []*Profile {
	var out []*Profile
	for _, name := range f.Profiles() {
		for _, si := range f.sectionsOf(name) {
			if f.marked(f.sections[si], DiscoveryMarker(scope)) {
				p, _ := f.Profile(name)
				out = append(out, p)
				break
			}
		}
	}
	return out
}
