#pragma once
// What S3 server access logs say about stored objects, as two tables: the storage classes
// (kStorageClasses) and the operations that change what is stored (kStorageOps). Everything
// else (the object table, the inventory reader, the price lookup) reads them.
#include <array>
#include <cstdint>
#include <optional>
#include <string_view>

namespace s3top {

/// An S3 storage class. Objects written through the logs start in Standard (the class a PUT
/// asks for is not logged); a lifecycle transition or an inventory says otherwise.
enum class StorageClass : std::uint8_t {
    Standard,
    IntelligentTiering,
    StandardIa,
    OneZoneIa,
    GlacierIr,
    Glacier,
    DeepArchive,
    ReducedRedundancy,
    Count_
};
inline constexpr std::size_t kStorageClassCount = static_cast<std::size_t>(StorageClass::Count_);

struct StorageClassInfo {
    StorageClass cls;
    std::string_view name;  ///< as S3 spells it (inventory's StorageClass column, x-amz-storage-class)
    std::string_view title;
};

inline constexpr std::array<StorageClassInfo, kStorageClassCount> kStorageClasses = {{
    {StorageClass::Standard, "STANDARD", "Standard"},
    {StorageClass::IntelligentTiering, "INTELLIGENT_TIERING", "Intelligent-Tiering"},
    {StorageClass::StandardIa, "STANDARD_IA", "Standard-IA"},
    {StorageClass::OneZoneIa, "ONEZONE_IA", "One Zone-IA"},
    {StorageClass::GlacierIr, "GLACIER_IR", "Glacier Instant Retrieval"},
    {StorageClass::Glacier, "GLACIER", "Glacier Flexible Retrieval"},
    {StorageClass::DeepArchive, "DEEP_ARCHIVE", "Glacier Deep Archive"},
    {StorageClass::ReducedRedundancy, "REDUCED_REDUNDANCY", "Reduced Redundancy"},
}};

constexpr std::string_view storage_class_name(StorageClass c) {
    return kStorageClasses[static_cast<std::size_t>(c)].name;
}
/// The class S3 names `name` ("STANDARD_IA"); nullopt when unknown.
std::optional<StorageClass> parse_storage_class(std::string_view name);

/// How an operation changes what is stored.
enum class StorageOp : std::uint8_t {
    Put,           ///< writes the whole object (PUT, POST, SOAP PUT, the destination of a copy)
    Complete,      ///< CompleteMultipartUpload: the object, made of its parts (which stop being billed)
    PutPart,       ///< one part of a multipart upload: stored and billed until completed or aborted
    Abort,         ///< AbortMultipartUpload (or lifecycle's): the upload's parts are gone
    Delete,        ///< the object (or the version named) is gone
    DeleteMarker,  ///< versioned bucket, lifecycle: the current version becomes noncurrent
    Transition,    ///< lifecycle: the object moves to another storage class
};

struct StorageOpInfo {
    std::string_view operation;  ///< as the log's operation field spells it
    StorageOp op;
    StorageClass to = StorageClass::Standard;  ///< Transition: the class it moves to
};

/// Every logged operation that changes what is stored (AWS's server access log operations and
/// the lifecycle actions the logs record). REST.COPY.OBJECT_GET (the read of a copy's source)
/// and REST.POST.UPLOADS (starting an upload) store nothing and are not here.
inline constexpr std::array kStorageOps = {
    StorageOpInfo{"REST.PUT.OBJECT", StorageOp::Put},
    StorageOpInfo{"REST.POST.OBJECT", StorageOp::Put},
    StorageOpInfo{"SOAP.PUT.OBJECT", StorageOp::Put},
    StorageOpInfo{"REST.COPY.OBJECT", StorageOp::Put},
    StorageOpInfo{"REST.POST.UPLOAD", StorageOp::Complete},
    StorageOpInfo{"REST.PUT.PART", StorageOp::PutPart},
    StorageOpInfo{"REST.COPY.PART", StorageOp::PutPart},
    StorageOpInfo{"REST.DELETE.UPLOAD", StorageOp::Abort},
    StorageOpInfo{"S3.DELETE.UPLOAD", StorageOp::Abort},
    StorageOpInfo{"REST.DELETE.OBJECT", StorageOp::Delete},
    StorageOpInfo{"SOAP.DELETE.OBJECT", StorageOp::Delete},
    StorageOpInfo{"BATCH.DELETE.OBJECT", StorageOp::Delete},
    StorageOpInfo{"S3.EXPIRE.OBJECT", StorageOp::Delete},
    StorageOpInfo{"S3.CREATE.DELETEMARKER", StorageOp::DeleteMarker},
    StorageOpInfo{"S3.TRANSITION_SIA.OBJECT", StorageOp::Transition, StorageClass::StandardIa},
    StorageOpInfo{"S3.TRANSITION_ZIA.OBJECT", StorageOp::Transition, StorageClass::OneZoneIa},
    StorageOpInfo{"S3.TRANSITION_INT.OBJECT", StorageOp::Transition, StorageClass::IntelligentTiering},
    StorageOpInfo{"S3.TRANSITION_GIR.OBJECT", StorageOp::Transition, StorageClass::GlacierIr},
    StorageOpInfo{"S3.TRANSITION.OBJECT", StorageOp::Transition, StorageClass::Glacier},
    StorageOpInfo{"S3.TRANSITION_GDA.OBJECT", StorageOp::Transition, StorageClass::DeepArchive},
};

/// The row of kStorageOps for `operation`; nullptr when it stores nothing.
const StorageOpInfo* storage_op_of(std::string_view operation);

/// A request that failed (4xx, 5xx, or any status outside 2xx) changes nothing; lifecycle
/// actions log no status ("-", 0) and count.
constexpr bool storage_status_applies(std::uint16_t status) { return status == 0 || (status >= 200 && status < 300); }

}  // namespace s3top
