// Measure data and SPC charts (measure.proto). All are retried on transient errors: an upsert
// sent twice changes nothing the second time.

#include "client/src/call.h"
#include "psc/client/registry_client.h"

namespace psc::client {

using Stub = v1::Registry::Stub;

absl::StatusOr<v1::BatchUpsertMeasurementsResponse> RegistryClient::BatchUpsertMeasurements(
    const v1::BatchUpsertMeasurementsRequest& request) {
  return call_->Unary(&Stub::BatchUpsertMeasurements, request, Retry::kYes);
}

absl::StatusOr<v1::ListMeasurementsResponse> RegistryClient::ListMeasurements(
    const v1::ListMeasurementsRequest& request) {
  return call_->Unary(&Stub::ListMeasurements, request, Retry::kYes);
}

absl::StatusOr<v1::MeasureChart> RegistryClient::GetMeasureChart(
    const v1::GetMeasureChartRequest& request) {
  return call_->Unary(&Stub::GetMeasureChart, request, Retry::kYes);
}

absl::StatusOr<v1::SpreadReport> RegistryClient::GetSpreadReport(
    const v1::GetSpreadReportRequest& request) {
  return call_->Unary(&Stub::GetSpreadReport, request, Retry::kYes);
}

}  // namespace psc::client
