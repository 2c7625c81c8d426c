#pragma once
// The Stored panel's rows: what the CostsWorker's StoredShown says is stored at the end of the
// range, put in the snapshot in place of the engine's row for that slot, so that selection,
// drill-down and scrolling treat them as any panel's rows.
#include <cstddef>
#include <string>

#include "core/agg/snapshot.hpp"
#include "tui/ui_state.hpp"

namespace s3top::tui {

/// The storage answer for what `snap` shows (its filter), when the costs have one; null else.
const StoredShown* stored_shown(const Snapshot& snap, const UiState& ui);

/// The answer for Stored panel `panel` (its grouping), or null while there is none.
const StoredShown* stored_answer(const Snapshot& snap, const UiState& ui, std::size_t panel);

/// Replaces the rows of each Stored panel of `snap` with its groups (none while it has no answer),
/// ordered and cut as the slot says: a row's `metrics.bytes_sent` is the bytes stored and
/// `metrics.requests` the objects (what `s` sorts by: bytes, objects, name).
void put_stored_rows(Snapshot& snap, const UiState& ui);

/// What the Stored panels and the chart ask of the CostsWorker now; nullopt when neither shows.
std::optional<StoredAsk> stored_ask(const Snapshot& snap, const UiState& ui);

/// "Stored: org", "Stored: prefix:2", "Stored: class" (short: a grid panel's title is as wide
/// as its labels).
std::string stored_title(StorageDimSpec by);

}  // namespace s3top::tui
