// EngineEvents (events.hpp): the cursor-execute and pool listeners of one Engine, kept as an
// immutable snapshot that registration replaces (copy on write), so that firing reads a shared_ptr
// and never holds a lock while a listener runs.
#include "crucible/events.hpp"

#include <array>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "crucible/errors.hpp"

namespace crucible {

/// One snapshot of the listeners, never changed once published.
struct EngineEvents::Listeners {
  std::vector<std::pair<ListenerId, CursorListener>> before;
  std::vector<std::pair<ListenerId, CursorListener>> after;
  /// Indexed by PoolEventKind.
  std::array<std::vector<std::pair<ListenerId, PoolListener>>, 6> pool;
  bool has_cursor() const noexcept { return !before.empty() || !after.empty(); }
  bool has_pool() const noexcept {
    for (const auto& list : pool)
      if (!list.empty()) return true;
    return false;
  }
};

struct EngineEvents::Impl {
  std::mutex mutex;  ///< serializes registration (the writers); readers only load `current`
  std::atomic<std::shared_ptr<const Listeners>> current{std::make_shared<const Listeners>()};
  std::uint64_t next_id{1};  ///< guarded by mutex
};

EngineEvents::EngineEvents() : impl_(std::make_unique<Impl>()) {}
EngineEvents::~EngineEvents() = default;

ListenerId EngineEvents::add(bool before, CursorListener fn) {
  if (!fn)
    throw ArgumentError(std::string("on_") + (before ? "before" : "after") +
                        "_cursor_execute wants a callable listener, got an empty std::function");
  std::lock_guard lock(impl_->mutex);
  auto next = std::make_shared<Listeners>(*impl_->current.load());
  const auto id = static_cast<ListenerId>(impl_->next_id++);
  (before ? next->before : next->after).emplace_back(id, std::move(fn));
  impl_->current.store(std::move(next));
  has_cursor_listeners_.store(true, std::memory_order_relaxed);
  return id;
}

ListenerId EngineEvents::add_pool(PoolEventKind kind, const char* name, PoolListener fn) {
  if (!fn)
    throw ArgumentError(std::string(name) +
                        " wants a callable listener, got an empty std::function");
  std::lock_guard lock(impl_->mutex);
  auto next = std::make_shared<Listeners>(*impl_->current.load());
  const auto id = static_cast<ListenerId>(impl_->next_id++);
  next->pool[static_cast<std::size_t>(kind)].emplace_back(id, std::move(fn));
  impl_->current.store(std::move(next));
  has_pool_listeners_.store(true, std::memory_order_relaxed);
  return id;
}

ListenerId EngineEvents::on_connect(PoolListener fn) {
  return add_pool(PoolEventKind::kConnect, "on_connect", std::move(fn));
}
ListenerId EngineEvents::on_checkout(PoolListener fn) {
  return add_pool(PoolEventKind::kCheckout, "on_checkout", std::move(fn));
}
ListenerId EngineEvents::on_checkin(PoolListener fn) {
  return add_pool(PoolEventKind::kCheckin, "on_checkin", std::move(fn));
}
ListenerId EngineEvents::on_reset(PoolListener fn) {
  return add_pool(PoolEventKind::kReset, "on_reset", std::move(fn));
}
ListenerId EngineEvents::on_invalidate(PoolListener fn) {
  return add_pool(PoolEventKind::kInvalidate, "on_invalidate", std::move(fn));
}
ListenerId EngineEvents::on_close(PoolListener fn) {
  return add_pool(PoolEventKind::kClose, "on_close", std::move(fn));
}

ListenerId EngineEvents::on_before_cursor_execute(CursorListener fn) {
  return add(true, std::move(fn));
}

ListenerId EngineEvents::on_after_cursor_execute(CursorListener fn) {
  return add(false, std::move(fn));
}

void EngineEvents::remove(ListenerId id) {
  std::lock_guard lock(impl_->mutex);
  auto next = std::make_shared<Listeners>(*impl_->current.load());
  const auto is_id = [id](const auto& entry) { return entry.first == id; };
  std::size_t erased = std::erase_if(next->before, is_id) + std::erase_if(next->after, is_id);
  for (auto& list : next->pool) erased += std::erase_if(list, is_id);
  if (erased == 0)
    throw InvalidRequestError("no listener with id " +
                              std::to_string(static_cast<std::uint64_t>(id)) +
                              " is registered on this Engine (it was removed already, or was "
                              "added to another Engine)");
  has_cursor_listeners_.store(next->has_cursor(), std::memory_order_relaxed);
  has_pool_listeners_.store(next->has_pool(), std::memory_order_relaxed);
  impl_->current.store(std::move(next));
}

void EngineEvents::fire_before_cursor_execute(const CursorExecuteEvent& event) const {
  const std::shared_ptr<const Listeners> listeners = impl_->current.load();
  for (const auto& entry : listeners->before) entry.second(event);
}

void EngineEvents::fire_pool(const PoolEvent& event) const {
  const std::shared_ptr<const Listeners> listeners = impl_->current.load();
  for (const auto& entry : listeners->pool[static_cast<std::size_t>(event.kind)])
    entry.second(event);
}

void EngineEvents::fire_after_cursor_execute(const CursorExecuteEvent& event) const {
  const std::shared_ptr<const Listeners> listeners = impl_->current.load();
  for (const auto& entry : listeners->after) entry.second(event);
}

}  // namespace crucible
