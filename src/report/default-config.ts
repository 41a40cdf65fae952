/**
 * The bundled report config: what the OpenShift Report DAG (cloud-bulldozer/airflow-kubernetes
 * `dags/reports/`, reference/report-dag.md) did — runs of the last 14 days from `perf_scale_ci*`, the
 * DAG's ignore tags, kube-burner results from `ripsaw-kube-burner*` for `*density*` build tags (pod latency
 * quantiles by `quantileName`, plus `jobSummary`), the control-plane profile for AWS clusters only, and the
 * two Grafana dashboards. A `--config` file is read over it: the keys it gives replace these, its profiles
 * are added to (or replace by name) the bundled ones.
 */
export const DEFAULT_REPORT_CONFIG = `# perfhound report config (the bundled default; reproduces the OpenShift Report DAG)
metadata_index: perf_scale_ci*
since: 14d
ignore_tags: [baseline, install, scale_25, scale_50]
fields:
  uuid: uuid
  timestamp: timestamp
  cluster: cluster_name
  version: cluster_version
  platform: platform
  network_type: network_type
  build_tag: build_tag
  start: start_date
  end: end_date
benchmarks:
  - name: kube-burner
    report_type: podLatency
    when:
      build_tag: "*density*"
    index: ripsaw-kube-burner*
    results:
      - metric_name: podLatencyQuantilesMeasurement
        key_by: quantileName
      - metric_name: jobSummary
        key: jobSummary
metrics:
  # The DAG asked Thanos only for AWS clusters.
  when:
    platform: AWS
  profiles: [control-plane]
  step: 10s
profiles:
  control-plane:
    masters:
      query: sum(kube_node_role{openshift_cluster_name="{{cluster}}", role="master"}) by (node)
      label: node
    queries:
      - name: podCPU
        query: sum(irate(container_cpu_usage_seconds_total{name!="", openshift_cluster_name="{{cluster}}", container!="POD",namespace=~"openshift-.*"}[2m])) by (namespace)
        group_by: [namespace]
        aggregations: [avg, max]
      - name: podMemory
        query: sum(container_memory_working_set_bytes{name!="", openshift_cluster_name="{{cluster}}", container!="POD",namespace=~"openshift-.*"}) by (namespace)
        group_by: [namespace]
        aggregations: [avg, max]
      - name: masterCPU
        query: sum(irate(node_cpu_seconds_total{openshift_cluster_name="{{cluster}}", instance=~"{{masters}}", mode!="idle"}[2m])) by (instance)
        aggregations: [avg]
      - name: masterMemoryUsage
        query: avg(node_memory_MemTotal_bytes{openshift_cluster_name="{{cluster}}", instance=~"{{masters}}"}) by (instance) - avg(node_memory_MemAvailable_bytes{openshift_cluster_name="{{cluster}}", instance=~"{{masters}}"}) by (instance)
        aggregations: [avg]
      - name: API99thLatency
        query: histogram_quantile(0.99, sum(rate(apiserver_request_duration_seconds_bucket{openshift_cluster_name="{{cluster}}", apiserver="kube-apiserver", verb!~"WATCH", subresource!="log"}[2m])) by (verb,resource,subresource,instance,le)) > 0
        group_by: [verb, resource]
        aggregations: [avg, max, p99]
      - name: etcdDiskWalFsync99th
        query: histogram_quantile(0.99, rate(etcd_disk_wal_fsync_duration_seconds_bucket{openshift_cluster_name="{{cluster}}"}[2m]))
        group_by: [pod]
        aggregations: [avg, max]
      - name: etcdRoundTrip99th
        query: histogram_quantile(0.99, rate(etcd_network_peer_round_trip_time_seconds_bucket{openshift_cluster_name="{{cluster}}"}[5m]))
        group_by: [pod]
        aggregations: [avg, max]
grafana: ""
dashboards:
  - key: kube_burner_dashboard
    uid: _XeYNzD7k
    name: kube-burner-thanos
  - key: cluster_dashboard
    uid: ueS4UNS7k
    name: cluster-dash
links:
  build_url: "{{metadata.build_url}}"
analysis_collection: perfhound-reports
`;
