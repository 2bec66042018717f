// Command demo runs the seed's scenario in a fresh local world and tells it
// step by step: first the dozen manual steps people do today, then the same
// outcome with kubectl eks-login, then the cluster's move from aws-auth to
// EKS access entries with everyone's access unchanged. Run it with "make demo".
package main

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"time"

	"github.com/eks-login/eks-login/pkg/world"
)

func main() {
	os.Exit(world.Main(run))
}

func run() int {
	dir, err := os.MkdirTemp("", "eks-login-demo-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer os.RemoveAll(dir)
	pluginDir := filepath.Join(dir, "bin")
	build := exec.Command("go", "build", "-o", filepath.Join(pluginDir, "kubectl-eks_login"), "github.com/eks-login/eks-login/cmd/kubectl-eks_login")
	build.Env = append(os.Environ(), "GOPROXY=off", "GOTOOLCHAIN=local")
	if out, err := build.CombinedOutput(); err != nil {
		fmt.Fprintf(os.Stderr, "build kubectl-eks_login: %v\n%s", err, out)
		return 1
	}
	fmt.Println("Starting the local world: local AWS (IAM, STS, EKS, EC2) on the real AWS host names,")
	fmt.Println("etcd, kube-apiserver with RBAC and EKS access policies, aws-iam-authenticator reading")
	fmt.Println("kube-system/aws-auth and the access entries, and a node group of EC2 instances.")
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	w, err := world.Start(ctx, world.Options{Dir: filepath.Join(dir, "world"), Log: os.Stdout})
	if err != nil {
		fmt.Fprintf(os.Stderr, "start the world: %v\n", err)
		return 1
	}
	defer w.Stop()
	people := map[string]*world.Person{}
	if people["admin"], err = w.NewAdmin(dir, pluginDir); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	for _, name := range []string{"dev1", "dev2", "node"} {
		if people[name], err = w.NewPerson(dir, name, pluginDir); err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 1
		}
	}
	fmt.Println("\n######## Part 1: the seed's recipe by hand (AWS CLI, hand-edited files, kubectl) ########")
	if err := world.RunScenario(ctx, people, world.SeedScenarioByHand(), world.Vars{}, os.Stdout); err != nil {
		fmt.Fprintf(os.Stderr, "\nThe scenario failed: %v\n", err)
		return 1
	}
	fmt.Println("\n######## Part 2: the same access for dev2, with kubectl eks-login ########")
	if err := world.RunScenario(ctx, people, world.SeedScenarioWithEKSLogin(), world.Vars{"ADMIN_HOME": people["admin"].Home}, os.Stdout); err != nil {
		fmt.Fprintf(os.Stderr, "\nThe scenario failed: %v\n", err)
		return 1
	}
	fmt.Println("\n######## Part 3: the cluster moves from aws-auth to EKS access entries, and nobody's access changes ########")
	vars, err := w.MigrationVars(ctx)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	if err := world.RunScenario(ctx, people, world.SeedScenarioMigrate(), vars, os.Stdout); err != nil {
		fmt.Fprintf(os.Stderr, "\nThe scenario failed: %v\n", err)
		return 1
	}
	fmt.Println("\nDone: every stage behaved as the seed describes, by hand and with eks-login, and after the move to access entries.")
	return 0
}
