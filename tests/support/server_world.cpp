#include "server_world.hpp"

#include <future>
#include <stdexcept>

#include "auth/token.hpp"
#include "rooms/document_store.hpp"
#include "rooms/room.hpp"
#include "store/repo.hpp"
#include "store/time.hpp"

namespace samen::test {

void RecordingConnection::send(std::shared_ptr<const std::string> text) {
    std::lock_guard lock(mutex_);
    messages_.push_back(nlohmann::json::parse(*text));
    if (watch_) watch_(messages_.back());
    arrived_.notify_all();
}

void RecordingConnection::on_send(std::function<void(const nlohmann::json&)> watch) {
    std::lock_guard lock(mutex_);
    watch_ = std::move(watch);
}

void RecordingConnection::close(net::CloseReason why) {
    std::lock_guard lock(mutex_);
    closed_ = why;
    arrived_.notify_all();
}

nlohmann::json RecordingConnection::wait_for(
    const std::function<bool(const nlohmann::json&)>& match, std::chrono::milliseconds timeout) {
    std::unique_lock lock(mutex_);
    std::size_t seen = 0;
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    for (;;) {
        for (; seen < messages_.size(); ++seen) {
            if (match(messages_[seen])) return messages_[seen];
        }
        if (arrived_.wait_until(lock, deadline) == std::cv_status::timeout) {
            std::string all;
            for (const auto& m : messages_) all += "\n  " + m.dump();
            throw std::runtime_error("no such message; arrived:" + all);
        }
    }
}

nlohmann::json RecordingConnection::reply_to(const nlohmann::json& id) {
    return wait_for([&](const nlohmann::json& m) { return m.contains("id") && m["id"] == id; });
}

std::vector<nlohmann::json> RecordingConnection::messages() const {
    std::lock_guard lock(mutex_);
    return messages_;
}

std::optional<net::CloseReason> RecordingConnection::closed() const {
    std::lock_guard lock(mutex_);
    return closed_;
}

std::optional<net::CloseReason> RecordingConnection::wait_closed(
    std::chrono::milliseconds timeout) {
    std::unique_lock lock(mutex_);
    arrived_.wait_for(lock, timeout, [this] { return closed_.has_value(); });
    return closed_;
}

namespace {

const std::pair<const char*, const char*> municipalities[] = {
    {"GM0166", "kampen"},
    {"GM0180", "staphorst"},
    {"GM1708", "steenwijkerland"},
    {"GM1896", "zwartewaterland"},
};

store::StoreOptions at(store::StoreOptions options, std::string path) {
    options.path = std::move(path);
    return options;
}

}  // namespace

World::World(WorldOptions options)
    : store(at(options.store, dir.file("samen.db"))),
      registry(std::make_shared<rooms::RoomRegistry>(ioc, store, users, options.room,
                                                     std::make_shared<rooms::RoomMetrics>())),
      work_(boost::asio::make_work_guard(ioc)),
      thread_([this] { ioc.run(); }) {
    auto records = run([](store::Db& db) {
        const std::string now = store::now_string();
        std::vector<store::UserRecord> made;
        auto add = [&](const std::string& name, const std::string& role,
                       std::optional<std::string> municipality) {
            auto id = store::create_user(db, {name, name, municipality, role, "x"}, now);
            made.push_back(*store::find_user(db, id));
        };
        std::vector<std::string> codes;
        for (const auto& [code, name] : municipalities) {
            store::upsert_municipality(db, {code, name});
            codes.push_back(code);
            for (const char* role : {"viewer", "editor", "coordinator"}) {
                add(std::string(name) + "-" + role, role, code);
            }
        }
        add("admin", "admin", std::nullopt);
        rooms::create_document(db,
                               {"ivp", "IVP", codes, std::nullopt,
                                "# Inleiding\n\nSamen waar het kan.\n\n# Jeugd\n\nJongeren.\n"});
        rooms::create_document(db, {"staphorst-only",
                                    "Staphorst",
                                    {"GM0180"},
                                    std::nullopt,
                                    "# Eigen\n\nAlleen Staphorst.\n"});
        return made;
    });
    for (const auto& r : records) {
        auth::User u = auth::to_user(r);
        users.put(u);
        users_by_name.emplace(u.name, u);
    }
}

World::~World() {
    work_.reset();
    ioc.stop();
    thread_.join();
    store.stop();
}

std::string World::token(const std::string& name) {
    const std::int64_t id = user(name).id;
    return run([id](store::Db& db) { return auth::issue_token(db, id).token; });
}

std::shared_ptr<rooms::Room> World::room(const std::string& doc) {
    auto promise = std::make_shared<std::promise<std::shared_ptr<rooms::Room>>>();
    registry->get(doc, [promise](std::shared_ptr<rooms::Room> room, std::exception_ptr error) {
        error ? promise->set_exception(error) : promise->set_value(std::move(room));
    });
    return promise->get_future().get();
}

}  // namespace samen::test
