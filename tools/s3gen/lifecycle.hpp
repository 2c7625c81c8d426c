// s3gen --storage-objects N: object lifecycles written as S3 access logs, with the exact
// storage they add up to per org and storage class (see lifecycle.cpp).
#pragma once

#include <string>
#include <vector>

#include "gen.hpp"

namespace s3gen {

// Writes the lifecycle logs of cfg.storage_objects keys into cfg.out_dir (cfg.files objects),
// covering the calendar month of cfg.start (and five days before it, two after), and the truth
// JSON to cfg.truth_path when set:
//   {"from":..,"to":..,"lines":..,"failed":..,"unknown_deletes":..,
//    "groups":{"ORG|CLASS":{"byte_seconds":..,"objects_end":..,"bytes_end":..}},
//    and with cfg.inventory_out: "inventory_time":.., "groups_with_inventory":{..}}
// (the inventory of bucket st-data, written under cfg.inventory_out, also lists objects stored
// before the logs: they belong to "-").
// Returns 0, or the errno of a failed write.
int write_storage_logs(const Config& cfg, const std::vector<std::string>& orgs);

}  // namespace s3gen
