package world

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
)

// Step is one thing a person types in the scenario. The demo prints steps
// and runs them; the end-to-end test runs the very same steps and checks
// them, so what the demo tells is what the test proves.
type Step struct {
	Who   string // "admin" or a developer's name
	Title string // what the step does, for a newcomer
	// Replaces names the manual step or command this one stands for.
	Replaces string
	// Files are written into Who's home before the command runs.
	Files map[string]string
	Cmd   []string
	// WantFail says the command must fail; Want lists text the output must hold.
	WantFail bool
	Want     []string
	// Capture names variables filled from the output's whitespace-separated
	// fields; the output of such a step holds secrets and is never shown.
	Capture []string
}

// Vars are the scenario's ${NAME} values.
type Vars map[string]string

func (v Vars) expand(s string) string {
	return os.Expand(s, func(k string) string {
		if val, ok := v[k]; ok {
			return val
		}
		return "${" + k + "}"
	})
}

// SeedScenarioByHand is the seed's recipe as people do it today: the AWS CLI
// for IAM, a hand-made role profile, update-kubeconfig (whose exec entry is
// "aws eks get-token"), a ClusterRoleBinding and a hand-edited aws-auth.
func SeedScenarioByHand() []Step {
	describePolicy := `{
  "Version": "2012-10-17",
  "Statement": [{"Effect": "Allow", "Action": ["eks:DescribeCluster"], "Resource": "` + ClusterARN + `"}]
}
`
	trustPolicy := `{
  "Version": "2012-10-17",
  "Statement": [{"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::` + AccountID + `:root"}, "Action": "sts:AssumeRole", "Condition": {}}]
}
`
	assumePolicy := `{
  "Version": "2012-10-17",
  "Statement": [{"Effect": "Allow", "Action": ["iam:ListRoles", "sts:AssumeRole"], "Resource": "arn:aws:iam::` + AccountID + `:role/EKSMyExampleViewer"}]
}
`
	roleARN := "arn:aws:iam::" + AccountID + ":role/EKSMyExampleViewer"
	return []Step{
		{Who: "admin", Title: "Step 1: create IAM user dev1", Cmd: []string{"aws", "iam", "create-user", "--user-name", "dev1"}, Want: []string{"arn:aws:iam::" + AccountID + ":user/dev1"}},
		{Who: "admin", Title: "Step 1: give dev1 an access key (kept out of the output)", Cmd: []string{"aws", "iam", "create-access-key", "--user-name", "dev1", "--query", "AccessKey.[AccessKeyId,SecretAccessKey]", "--output", "text"}, Capture: []string{"DEV1_KEY_ID", "DEV1_SECRET"}},
		{Who: "admin", Title: "Step 1: create IAM group Developers", Cmd: []string{"aws", "iam", "create-group", "--group-name", "Developers"}},
		{Who: "admin", Title: "Step 1: put dev1 in Developers", Cmd: []string{"aws", "iam", "add-user-to-group", "--user-name", "dev1", "--group-name", "Developers"}},
		{Who: "dev1", Title: "Step 1: dev1 configures the key as profile dev1 (aws configure --profile dev1)", Cmd: []string{"aws", "configure", "set", "aws_access_key_id", "${DEV1_KEY_ID}", "--profile", "dev1"}},
		{Who: "dev1", Cmd: []string{"aws", "configure", "set", "aws_secret_access_key", "${DEV1_SECRET}", "--profile", "dev1"}},
		{Who: "dev1", Cmd: []string{"aws", "configure", "set", "region", Region, "--profile", "dev1"}},
		{Who: "admin", Title: "Step 2: a policy allowing eks:DescribeCluster on the one cluster",
			Files: map[string]string{"eks-my-example-describe.json": describePolicy},
			Cmd:   []string{"aws", "iam", "create-policy", "--policy-name", "EKSMyExampleDescribe", "--policy-document", "file://eks-my-example-describe.json"}},
		{Who: "admin", Title: "Step 2: the role EKSMyExampleViewer, trusting the account",
			Files: map[string]string{"eks-my-example-viewer.json": trustPolicy},
			Cmd:   []string{"aws", "iam", "create-role", "--role-name", "EKSMyExampleViewer", "--assume-role-policy-document", "file://eks-my-example-viewer.json"}},
		{Who: "admin", Cmd: []string{"aws", "iam", "attach-role-policy", "--role-name", "EKSMyExampleViewer", "--policy-arn", "arn:aws:iam::" + AccountID + ":policy/EKSMyExampleDescribe"}},
		{Who: "admin", Title: "Step 3: let Developers assume the role",
			Files: map[string]string{"eks-my-example-viewer-role-assume.json": assumePolicy},
			Cmd:   []string{"aws", "iam", "create-policy", "--policy-name", "EKSMyExampleViewerRoleAssume", "--policy-document", "file://eks-my-example-viewer-role-assume.json"}},
		{Who: "admin", Cmd: []string{"aws", "iam", "attach-group-policy", "--group-name", "Developers", "--policy-arn", "arn:aws:iam::" + AccountID + ":policy/EKSMyExampleViewerRoleAssume"}},
		{Who: "dev1", Title: "dev1 has not taken the role yet, so DescribeCluster is denied", WantFail: true,
			Cmd:  []string{"aws", "eks", "--profile", "dev1", "describe-cluster", "--name", ClusterName},
			Want: []string{"User: arn:aws:iam::" + AccountID + ":user/dev1 is not authorized to perform: eks:DescribeCluster on resource: " + ClusterARN}},
		{Who: "dev1", Title: "Step 4: add profile dev1-eks to ~/.aws/config: role_arn + source_profile", Cmd: []string{"aws", "configure", "set", "role_arn", roleARN, "--profile", "dev1-eks"}},
		{Who: "dev1", Cmd: []string{"aws", "configure", "set", "source_profile", "dev1", "--profile", "dev1-eks"}},
		{Who: "dev1", Cmd: []string{"aws", "configure", "set", "region", Region, "--profile", "dev1-eks"}},
		{Who: "dev1", Title: "Through the role, DescribeCluster works", Cmd: []string{"aws", "eks", "--profile", "dev1-eks", "describe-cluster", "--name", ClusterName, "--query", "cluster.[arn,endpoint,status]", "--output", "text"},
			Want: []string{ClusterARN, "ACTIVE"}},
		{Who: "dev1", Title: "Step 5: update-kubeconfig through the role", Cmd: []string{"aws", "eks", "--profile", "dev1-eks", "--region", Region, "update-kubeconfig", "--name", ClusterName, "--alias", ClusterName}},
		{Who: "dev1", Title: "The role is not mapped in the cluster yet: Unauthorized", WantFail: true, Cmd: []string{"kubectl", "get", "pods", "-A"}, Want: []string{"You must be logged in to the server"}},
		{Who: "admin", Title: "Step 6: ClusterRoleBinding developers-view: group developers -> ClusterRole view",
			Files: map[string]string{"developers_rolebinding.yml": `apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata:
  name: developers-view
roleRef:
  apiGroup: rbac.authorization.k8s.io
  kind: ClusterRole
  name: view
subjects:
- apiGroup: rbac.authorization.k8s.io
  kind: Group
  name: developers
`},
			Cmd: []string{"kubectl", "apply", "-f", "developers_rolebinding.yml"}},
		{Who: "admin", Title: "Step 7: map the role in kube-system/aws-auth, keeping the node role (kubectl edit, done as apply)",
			Files: map[string]string{"aws-auth.yaml": `apiVersion: v1
kind: ConfigMap
metadata:
  name: aws-auth
  namespace: kube-system
data:
  mapRoles: |
    - groups:
      - system:bootstrappers
      - system:nodes
      rolearn: ` + NodeRoleARN + `
      username: system:node:{{EC2PrivateDNSName}}
    - groups:
      - developers
      rolearn: ` + roleARN + `
      username: developer
`},
			Cmd: []string{"kubectl", "apply", "-f", "aws-auth.yaml"}},
		{Who: "dev1", Title: "Now dev1 lists pods in every namespace", Cmd: []string{"kubectl", "get", "pods", "-A"}, Want: seedPodNames()},
		{Who: "dev1", Title: "...but the view role cannot list nodes", WantFail: true, Cmd: []string{"kubectl", "get", "nodes"},
			Want: []string{`User "developer" cannot list resource "nodes"`}},
	}
}

// SeedScenarioWithEKSLogin reaches the same access with eks-login: one
// command on the admin's side, one on the developer's. It gives dev2 access
// next to dev1, and works whether or not the manual recipe ran before (what
// exists is found and left alone). Vars must hold ADMIN_HOME.
func SeedScenarioWithEKSLogin() []Step {
	return []Step{
		{Who: "admin", Title: "Admin: the whole admin side in one command (IAM role, group, policies, user dev2 with a key, aws-auth, binding)",
			Replaces: "steps 1-3, 6 and 7: a dozen aws iam commands, a ClusterRoleBinding, kubectl edit configmap/aws-auth",
			Cmd: []string{"kubectl", "eks-login", "admin", "grant", "--cluster", ClusterName, "--iam-group", "Developers", "--role", "EKSMyExampleViewer",
				"--k8s-group", "developers", "--clusterrole", "view", "--username", "developer", "--user", "dev2", "--create-users", "--access-key-file", "dev2-credentials"},
			Want: []string{"kubectl eks-login --cluster " + ClusterName}},
		{Who: "admin", Title: "Admin: every mapping, with the node role kept", Cmd: []string{"kubectl", "eks-login", "admin", "list"},
			Want: []string{NodeRoleARN, "arn:aws:iam::" + AccountID + ":role/EKSMyExampleViewer"}},
		{Who: "dev2", Title: "dev2 receives the key file from the admin", Replaces: "aws configure --profile dev2",
			Cmd: []string{"cp", "${ADMIN_HOME}/dev2-credentials", ".aws/credentials"}},
		{Who: "dev2", Title: "dev2 logs in: role profile, kubeconfig context, and a check that the cluster knows them",
			Replaces: "steps 4 and 5: editing ~/.aws/config, aws eks update-kubeconfig, and trial and error",
			Cmd:      []string{"kubectl", "eks-login", "--cluster", ClusterName, "--role", "EKSMyExampleViewer", "--source-profile", "dev2", "--region", Region},
			Want:     []string{"Logged in to " + ClusterName + " as developer (groups: developers, system:authenticated)"}},
		{Who: "dev2", Title: "The AWS CLI reads the profile login wrote", Cmd: []string{"aws", "configure", "get", "role_arn", "--profile", "dev2-eks"},
			Want: []string{"arn:aws:iam::" + AccountID + ":role/EKSMyExampleViewer"}},
		{Who: "dev2", Title: "dev2 lists pods in every namespace (kubectl runs kubectl eks-login token, cached)", Cmd: []string{"kubectl", "get", "pods", "-A"}, Want: seedPodNames()},
		{Who: "dev2", Title: "...and, like dev1, may not list nodes", WantFail: true, Cmd: []string{"kubectl", "get", "nodes"},
			Want: []string{`User "developer" cannot list resource "nodes"`}},
		{Who: "dev2", Title: "dev2 logs out: the context, the profile login made and the cached token go; nothing else changes",
			Cmd:  []string{"kubectl", "eks-login", "logout", "--cluster", ClusterName},
			Want: []string{"Removed profile dev2-eks", "Removed 1 cached token(s) of cluster " + ClusterName}},
		{Who: "dev2", Title: "The role profile is gone", WantFail: true, Cmd: []string{"aws", "configure", "get", "role_arn", "--profile", "dev2-eks"}},
	}
}

func seedPodNames() []string {
	var names []string
	for _, p := range SeedPods {
		names = append(names, p.Name)
	}
	return names
}

// RunScenario runs steps with the given people, checking each. It narrates
// to out: titles, commands and their output (but never a captured secret).
func RunScenario(ctx context.Context, people map[string]*Person, steps []Step, vars Vars, out io.Writer) error {
	for i, s := range steps {
		p := people[s.Who]
		if p == nil {
			return fmt.Errorf("step %d: nobody called %q", i+1, s.Who)
		}
		if s.Title != "" {
			fmt.Fprintf(out, "\n== %s\n", s.Title)
			if s.Replaces != "" {
				fmt.Fprintf(out, "   (replaces: %s)\n", s.Replaces)
			}
		}
		for name, content := range s.Files {
			path := filepath.Join(p.Home, name)
			if err := os.WriteFile(path, []byte(vars.expand(content)), 0o600); err != nil {
				return err
			}
			fmt.Fprintf(out, "%s$ cat > %s <<EOF\n%sEOF\n", s.Who, name, indentLines(vars.expand(content), ""))
		}
		args := make([]string, len(s.Cmd))
		for j, a := range s.Cmd {
			args[j] = vars.expand(a)
		}
		shown := args
		if len(s.Capture) == 0 {
			shown = make([]string, len(s.Cmd))
			copy(shown, s.Cmd) // show ${VAR} rather than a secret value
		}
		fmt.Fprintf(out, "%s$ %s\n", s.Who, strings.Join(shown, " "))
		output, err := p.Run(ctx, args[0], args[1:]...)
		if len(s.Capture) > 0 {
			fields := strings.Fields(output)
			if err != nil || len(fields) < len(s.Capture) {
				return fmt.Errorf("step %d (%s): %v: expected %d values in the output", i+1, strings.Join(s.Cmd, " "), err, len(s.Capture))
			}
			for j, name := range s.Capture {
				vars[name] = fields[j]
			}
			fmt.Fprintf(out, "   (saved as %s)\n", "${"+strings.Join(s.Capture, "}, ${")+"}")
			continue
		}
		fmt.Fprint(out, indentLines(output, "   "))
		switch {
		case s.WantFail && err == nil:
			return fmt.Errorf("step %d: %s succeeded, but it must fail", i+1, strings.Join(s.Cmd, " "))
		case !s.WantFail && err != nil:
			return fmt.Errorf("step %d: %w\n%s", i+1, err, output)
		}
		for _, want := range s.Want {
			if !strings.Contains(output, want) {
				return fmt.Errorf("step %d: the output of %s lacks %q:\n%s", i+1, strings.Join(s.Cmd, " "), want, output)
			}
		}
	}
	return nil
}

func indentLines(s, prefix string) string {
	if s == "" {
		return ""
	}
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	for i, l := range lines {
		lines[i] = prefix + l
	}
	return strings.Join(lines, "\n") + "\n"
}

// SeedScenarioMigrate moves the seed's cluster from aws-auth to access
// entries with eks-login, and shows that nobody's access changed: dev1 (set
// up by hand in the first part) still lists pods and still may not list
// nodes, and a node is still its node user. Vars must hold those of
// MigrationVars.
func SeedScenarioMigrate() []Step {
	node := "system:node:" + SeedNodes[0]
	nodeKubeconfig := `apiVersion: v1
kind: Config
clusters:
- name: ` + ClusterName + `
  cluster:
    server: ${API_SERVER}
    certificate-authority: ${CA_FILE}
users:
- name: kubelet
  user:
    exec:
      apiVersion: client.authentication.k8s.io/v1beta1
      command: aws
      args: [eks, get-token, --cluster-name, ` + ClusterName + `, --region, ` + Region + `]
      env:
      - {name: AWS_PROFILE, value: node}
contexts:
- name: kubelet
  context: {cluster: ` + ClusterName + `, user: kubelet}
current-context: kubelet
`
	roleARN := "arn:aws:iam::" + AccountID + ":role/EKSMyExampleViewer"
	return []Step{
		{Who: "node", Title: "A node's kubelet: credentials of its instance profile from the instance metadata service (a session of the node role named after the instance ID), and aws eks get-token",
			Files: map[string]string{".kube/config": nodeKubeconfig},
			Cmd:   []string{"aws", "configure", "set", "aws_access_key_id", "${NODE_KEY_ID}", "--profile", "node"}},
		{Who: "node", Cmd: []string{"aws", "configure", "set", "aws_secret_access_key", "${NODE_SECRET}", "--profile", "node"}},
		{Who: "node", Cmd: []string{"aws", "configure", "set", "aws_session_token", "${NODE_SESSION_TOKEN}", "--profile", "node"}},
		{Who: "node", Title: "aws-auth's node role makes the node its Node user: aws-iam-authenticator asks EC2 for the instance's private DNS name",
			Cmd: []string{"kubectl", "auth", "whoami"}, Want: []string{node, "system:nodes"}},
		{Who: "admin", Title: "Admin: the migration's plan: the node role as an EC2_LINUX entry, the developers' role as it is mapped, and a diff per object",
			Replaces: "eksctl get iamidentitymapping, then an aws eks create-access-entry per mapping, typed by hand from the EKS User Guide",
			Cmd:      []string{"kubectl", "eks-login", "admin", "migrate", "--cluster", ClusterName, "--dry-run"},
			Want:     []string{NodeRoleARN, "EC2_LINUX", roleARN, "stop at API_AND_CONFIG_MAP", "dry run: nothing was changed"}},
		{Who: "admin", Title: "Admin: switch to API_AND_CONFIG_MAP, create the access entries, and check every identity through the cluster",
			Replaces: "aws eks update-cluster-config, wait, create-access-entry for each mapping, and hoping nobody's identity changed",
			Cmd:      []string{"kubectl", "eks-login", "admin", "migrate", "--cluster", ClusterName},
			Want:     []string{"created access entry " + NodeRoleARN + " (EC2_LINUX)", "developer [developers]  developer [developers]", "is in API_AND_CONFIG_MAP"}},
		{Who: "dev1", Title: "dev1, through the access entry now, lists pods as before", Cmd: []string{"kubectl", "get", "pods", "-A"}, Want: seedPodNames()},
		{Who: "admin", Title: "Admin: remove the migrated mappings from aws-auth, check again, and switch to API for good (--yes stands for typing the cluster's name)",
			Replaces: "kubectl edit configmap/aws-auth, and aws eks update-cluster-config --access-config authenticationMode=API",
			Cmd:      []string{"kubectl", "eks-login", "admin", "migrate", "--cluster", ClusterName, "--cleanup", "--to", "api", "--yes"},
			Want:     []string{"removed 2 migrated mappings", "from API_AND_CONFIG_MAP to API", "is in API mode"}},
		{Who: "admin", Title: "The cluster is in API mode: aws-auth no longer counts", Cmd: []string{"aws", "eks", "describe-cluster", "--name", ClusterName, "--query", "cluster.accessConfig.authenticationMode", "--output", "text"},
			Want: []string{"API"}},
		{Who: "admin", Title: "Admin: the access entries, as admin list shows them", Cmd: []string{"kubectl", "eks-login", "admin", "list", "--cluster", ClusterName},
			Want: []string{"access-entry  " + NodeRoleARN, "access-entry  " + roleARN}},
		{Who: "dev1", Title: "dev1's access is unchanged: pods in every namespace...", Cmd: []string{"kubectl", "get", "pods", "-A"}, Want: seedPodNames()},
		{Who: "dev1", Title: "...and still no nodes", WantFail: true, Cmd: []string{"kubectl", "get", "nodes"},
			Want: []string{`User "developer" cannot list resource "nodes"`}},
		{Who: "node", Title: "The node is still its Node user, now through its EC2_LINUX access entry", Cmd: []string{"kubectl", "auth", "whoami"}, Want: []string{node, "system:nodes"}},
	}
}

// MigrationVars are the values SeedScenarioMigrate needs: the API server and
// its CA, and the first node's instance credentials.
func (w *World) MigrationVars(ctx context.Context) (Vars, error) {
	if len(w.Nodes) == 0 {
		return nil, fmt.Errorf("the world has no nodes")
	}
	creds, err := w.NodeCredentials(ctx, w.Nodes[0].InstanceID)
	if err != nil {
		return nil, err
	}
	return Vars{"API_SERVER": w.APIServerURL, "CA_FILE": w.CAFile, "NODE_KEY_ID": creds.AccessKeyID,
		"NODE_SECRET": creds.SecretAccessKey, "NODE_SESSION_TOKEN": creds.SessionToken}, nil
}
