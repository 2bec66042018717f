package yamlutil

import yaml "go.yaml.in/yaml/v3"

// KeepFlowNulls spells out the empty nulls of flow collections ("{a}",
// "{a: }") under n: the encoder would write them as ” and turn a null into
// an empty string in entries that are not ours. Block nulls ("a:") are
// written as they were and are left alone.
func KeepFlowNulls(n *yaml.Node) { keepFlowNulls(n, false) }

func keepFlowNulls(n *yaml.Node, inFlow bool) {
	if n == nil {
		return
	}
	inFlow = inFlow || n.Style&yaml.FlowStyle != 0
	if n.Kind == yaml.ScalarNode && n.Tag == "!!null" && n.Value == "" && inFlow {
		n.Value = "null"
	}
	for i, c := range n.Content {
		// A null mapping key, or an anchored null, would be written as ''.
		if c.Kind == yaml.ScalarNode && c.Tag == "!!null" && c.Value == "" && (c.Anchor != "" || (n.Kind == yaml.MappingNode && i%2 == 0)) {
			c.Value = "null"
		}
		keepFlowNulls(c, inFlow)
	}
}
