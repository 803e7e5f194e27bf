// Command kube-testcluster is one binary for the small Kubernetes control
// plane that scripts/deploy/check-cluster.sh starts for the deployment checks:
// etcd, kube-apiserver, kube-controller-manager and kubectl, chosen by the first
// argument (or by the name it is called by, as a link):
//
//	kube-testcluster etcd --data-dir ...
//	kube-testcluster kube-apiserver --etcd-servers ...
//	kube-testcluster kube-controller-manager --kubeconfig ...
//	kube-testcluster kubectl get pods
//
// Each runs exactly what upstream's own main package of that command runs; one
// binary instead of four links once and shares the code the four have in
// common (most of it). The version the API server reports is set at link time
// with -ldflags -X, as upstream's build does (scripts/deploy/check-cluster.sh).
package main

import (
	"fmt"
	"os"
	"path/filepath"
	_ "time/tzdata" // for CronJob time zones, as upstream's mains

	"go.etcd.io/etcd/server/v3/etcdmain"
	"k8s.io/component-base/cli"
	"k8s.io/component-base/logs"
	_ "k8s.io/component-base/logs/json/register"          // JSON log format
	_ "k8s.io/component-base/metrics/prometheus/clientgo" // client-go's metrics
	_ "k8s.io/component-base/metrics/prometheus/version"  // the version metric
	kubectl "k8s.io/kubectl/pkg/cmd"
	kubectlutil "k8s.io/kubectl/pkg/cmd/util"
	apiserver "k8s.io/kubernetes/cmd/kube-apiserver/app"
	controllermanager "k8s.io/kubernetes/cmd/kube-controller-manager/app"

	_ "k8s.io/client-go/plugin/pkg/client/auth" // kubectl's client auth plugins
)

func main() {
	name, args := filepath.Base(os.Args[0]), os.Args[1:]
	if _, known := commands[name]; !known && len(args) > 0 {
		name, args = args[0], args[1:]
	}
	run, known := commands[name]
	if !known {
		fmt.Fprintln(os.Stderr, "usage: kube-testcluster etcd|kube-apiserver|kube-controller-manager|kubectl [flags]")
		os.Exit(2)
	}
	// Each command reads os.Args as if it were its own program.
	os.Args = append([]string{name}, args...)
	run()
}

var commands = map[string]func(){
	"etcd": func() { etcdmain.Main(os.Args) },
	"kube-apiserver": func() {
		os.Exit(cli.Run(apiserver.NewAPIServerCommand()))
	},
	"kube-controller-manager": func() {
		os.Exit(cli.Run(controllermanager.NewControllerManagerCommand()))
	},
	"kubectl": func() {
		logs.GlogSetter(kubectl.GetLogVerbosity(os.Args)) //nolint:errcheck // as upstream
		if err := cli.RunNoErrOutput(kubectl.NewDefaultKubectlCommand()); err != nil {
			kubectlutil.CheckErr(err)
		}
	},
}
