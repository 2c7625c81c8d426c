#pragma once
// Builds real engines from hand-written requests for the dashboard tests.
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "core/agg/engine.hpp"
#include "core/billing/statement.hpp"
#include "core/config/config.hpp"
#include "core/storage/storage_collector.hpp"
#include "core/parse/record.hpp"
#include "tui/canvas.hpp"
#include "tui/controller.hpp"
#include "tui/render.hpp"
#include "tui/ui_state.hpp"

namespace s3top::tui::test {

inline constexpr std::int64_t kT0 = 1709251200;  // 2024-03-01T00:00:00Z

/// The running cost's billing as the shipped config sets it: its prices and exclusions.
inline BillingSpec shipped_billing() {
    const Config config = builtin_config();
    BillingSpec b;
    b.prices = config.prices;
    b.exclude = config.exclude;
    return b;
}

/// One request, as much of it as the dashboard shows.
struct Req {
    std::string org = "acme";
    std::uint64_t sent = 0;
    std::uint16_t status = 200;
    std::int64_t time = kT0;
    std::string ip = "10.0.0.1";
    std::string ua = "curl/8.0";
    std::string key = "data/a.bin";
    std::string op = "REST.GET.OBJECT";
    std::string error{};
    std::string bucket = "bucket";
    std::string requester = "arn:aws:iam::1:user/u";
    std::uint64_t in = 0;
    std::uint64_t object_size = 0;  ///< logged object size (a PUT's); 0: none
};

/// An engine holding `reqs` (orgs come from the "org" query parameter, as by default); with
/// `storage`, their object-changing requests are gathered there.
inline std::unique_ptr<Engine> make_engine(const std::vector<Req>& reqs,
                                           std::shared_ptr<StorageCollector> storage = nullptr) {
    EngineConfig cfg;
    cfg.storage = storage;
    auto engine = std::make_unique<Engine>(cfg);
    BatchBuilder bb(engine->config().org, engine->config().keep);
    bb.keep_storage_lines(storage != nullptr);
    for (const Req& q : reqs) {
        const std::string query = "org=" + q.org;
        Record r;
        r.time = q.time;
        r.query = query;
        r.remote_ip = q.ip;
        r.user_agent = q.ua;
        r.key = q.key;
        r.operation = q.op;
        r.method = "GET";
        r.error_code = q.error;
        r.bucket = q.bucket;
        r.requester = q.requester;
        r.status = q.status;
        r.bytes_sent = q.sent;
        r.bytes_in = q.in;
        r.object_size = q.object_size;
        r.has_object_size = q.object_size > 0;
        bb.add(r);
    }
    engine->append(bb.take());
    return engine;
}

/// The snapshot the dashboard would show for `ui`.
inline Snapshot snapshot_of(const Engine& engine, const UiState& ui) {
    View view(ui.view_spec());
    return engine.refresh(view, 1);
}

/// UI defaults on a screen of w x h.
/// A new snapshot of the controller's view, handed to it, as the dashboard does after a
/// ViewChanged.
inline void refresh(const Engine& engine, Controller& ctl, Snapshot& snap) {
    snap = snapshot_of(engine, ctl.state());
    ctl.on_snapshot(snap);
}

/// A key, as the dashboard handles it: when the view changed, a new snapshot of it.
inline Action press(const Engine& engine, Controller& ctl, Snapshot& snap, Key k) {
    const Action a = ctl.on_key(k, snap);
    if (a == Action::ViewChanged) refresh(engine, ctl, snap);
    return a;
}

inline UiState ui_of(int w, int h) {
    UiState ui = UiState::defaults();
    ui.screen_w = w;
    ui.screen_h = h;
    return ui;
}

/// Renders to a fresh canvas of the UI's screen size.
inline Canvas render_to_canvas(const Snapshot& snap, const UiState& ui) {
    Canvas c(ui.screen_w, ui.screen_h, ui.unicode);
    render(snap, ui, c);
    return c;
}

/// Text of row `dy` inside `r` (trailing spaces removed).
inline std::string rect_row(const Canvas& c, Rect r, int dy) {
    std::string out;
    for (int x = r.x; x < r.x + r.w; ++x) out += c.at(x, r.y + dy).text;
    const auto end = out.find_last_not_of(' ');
    out.erase(end == std::string::npos ? 0 : end + 1);
    return out;
}

/// The on-screen box of panel `slot` (the test fails if it is not visible).
inline Rect panel_rect(const UiState& ui, std::size_t slot) {
    const Layout l = compute_layout(ui);
    for (const auto& b : l.panels) {
        if (b.panel == slot) return b.rect;
    }
    return Rect{};
}

}  // namespace s3top::tui::test
