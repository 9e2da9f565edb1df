#include "samen/blocking_client.hpp"

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>

#include "samen/document_sync.hpp"

namespace samen::client {

namespace asio = boost::asio;

struct BlockingClient::Completion {
    std::mutex mutex;
    std::condition_variable cv;
    bool done = false;
    std::optional<ClientError> error;
    std::exception_ptr exception;
    std::vector<DocumentSummary> list;
    nlohmann::json reply;

    void finish(std::optional<ClientError> e) {
        std::lock_guard lock(mutex);
        error = std::move(e);
        done = true;
        cv.notify_all();
    }
};

namespace {

std::string millis(std::chrono::milliseconds t) {
    return std::to_string(t.count()) + " ms";
}

/// A callback for the Client that calls the user's callback in `slot`, as it is set when it runs
/// (the user may set it at any time, under `mutex`).
template <class... Args>
std::function<void(Args...)> forward_to(std::mutex& mutex, const ClientCallbacks& callbacks,
                                        std::function<void(Args...)> ClientCallbacks::*slot) {
    return [&mutex, &callbacks, slot](Args... args) {
        std::function<void(Args...)> fn;
        {
            std::lock_guard lock(mutex);
            fn = callbacks.*slot;
        }
        if (fn) fn(args...);
    };
}

}  // namespace

BlockingClient::BlockingClient(ClientOptions options) : ioc_(std::make_unique<asio::io_context>()) {
    work_ = std::make_shared<asio::executor_work_guard<asio::io_context::executor_type>>(
        ioc_->get_executor());
    ClientCallbacks cb;
    cb.on_edit = forward_to(mutex_, user_callbacks_, &ClientCallbacks::on_edit);
    cb.on_presence = forward_to(mutex_, user_callbacks_, &ClientCallbacks::on_presence);
    cb.on_reload = forward_to(mutex_, user_callbacks_, &ClientCallbacks::on_reload);
    auto user_state_change = forward_to(mutex_, user_callbacks_, &ClientCallbacks::on_state_change);
    cb.on_state_change = [this, user_state_change](ConnectionState s, const std::string& why) {
        user_state_change(s, why);
        activity();
    };
    auto user_error = forward_to(mutex_, user_callbacks_, &ClientCallbacks::on_error);
    cb.on_error = [this, user_error](const ClientError& e) {
        {
            std::lock_guard lock(mutex_);
            errors_.push_back(e);
        }
        user_error(e);
    };
    cb.on_activity = [this] { activity(); };
    client_ = std::make_unique<Client>(*ioc_, std::move(options), std::move(cb));
    thread_ = std::thread([ioc = ioc_.get()] { ioc->run(); });
}

BlockingClient::~BlockingClient() {
    try {
        close(std::chrono::seconds(2));
    } catch (const std::exception&) {
        // Already closed, or the server did not answer in time: the socket goes anyway.
    }
    // Wait for the shutdown on the client's strand, so that no callback runs after this.
    client_->shutdown();
    auto c = std::make_shared<Completion>();
    client_->post([c] { c->finish(std::nullopt); });
    {
        std::unique_lock lock(c->mutex);
        c->cv.wait_for(lock, std::chrono::seconds(2), [&] { return c->done; });
    }
    work_.reset();
    ioc_->stop();
    if (thread_.joinable()) thread_.join();
    client_.reset();
}

void BlockingClient::activity() {
    {
        std::lock_guard lock(mutex_);
        ++activity_;
    }
    changed_.notify_all();
}

void BlockingClient::wait_done(const std::shared_ptr<Completion>& c, Timeout timeout,
                               const std::string& what) {
    std::unique_lock lock(c->mutex);
    if (!c->cv.wait_for(lock, timeout, [&] { return c->done; })) {
        throw ClientException(error_of("timeout", what + " took longer than " + millis(timeout)));
    }
    if (c->exception) std::rethrow_exception(c->exception);
    if (c->error) throw ClientException(*c->error);
}

std::string BlockingClient::sign_in(const std::string& host, std::uint16_t port,
                                    const std::string& user, const std::string& password,
                                    Timeout timeout) {
    return client::sign_in(ServerAddress{host, port}, user, password, timeout).token;
}

void BlockingClient::call(const std::function<void(Client::Done)>& start, Timeout timeout,
                          const std::string& what) {
    auto c = std::make_shared<Completion>();
    start([c](std::optional<ClientError> e) { c->finish(std::move(e)); });
    wait_done(c, timeout, what);
}

void BlockingClient::connect(const std::string& host, std::uint16_t port, const std::string& token,
                             Timeout timeout) {
    call([&](Client::Done done) { client_->connect(host, port, token, std::move(done)); }, timeout,
         "connecting to " + host + ":" + std::to_string(port));
}

std::vector<DocumentSummary> BlockingClient::list(Timeout timeout) {
    auto c = std::make_shared<Completion>();
    client_->list([c](std::optional<ClientError> e, std::vector<DocumentSummary> docs) {
        {
            std::lock_guard lock(c->mutex);
            c->list = std::move(docs);
        }
        c->finish(std::move(e));
    });
    wait_done(c, timeout, "listing the documents");
    std::lock_guard lock(c->mutex);
    return std::move(c->list);
}

void BlockingClient::open(const std::string& doc, Timeout timeout) {
    call([&](Client::Done done) { client_->open(doc, std::move(done)); }, timeout,
         "opening '" + doc + "'");
}

void BlockingClient::close_document(const std::string& doc, Timeout timeout) {
    call([&](Client::Done done) { client_->close_document(doc, std::move(done)); }, timeout,
         "closing '" + doc + "'");
}

void BlockingClient::close(Timeout timeout) {
    call([&](Client::Done done) { client_->close(std::move(done)); }, timeout,
         "closing the connection");
}

nlohmann::json BlockingClient::request(nlohmann::json msg, Timeout timeout) {
    auto c = std::make_shared<Completion>();
    const std::string what =
        "the request '" + (msg.is_object() ? msg.value("type", std::string("?")) : "?") + "'";
    client_->request(std::move(msg), [c](std::optional<ClientError> e, nlohmann::json reply) {
        {
            std::lock_guard lock(c->mutex);
            c->reply = std::move(reply);
        }
        c->finish(std::move(e));
    });
    wait_done(c, timeout, what);
    std::lock_guard lock(c->mutex);
    return std::move(c->reply);
}

namespace {

Rev ack_rev(const nlohmann::json& reply) {
    auto rev = reply.find("rev");
    if (reply.value("type", std::string()) != "ack" || rev == reply.end() ||
        !rev->is_number_unsigned()) {
        throw ClientException(
            error_of("bad_message", "expected an ack with a revision, got: " + reply.dump()));
    }
    return rev->get<Rev>();
}

}  // namespace

nlohmann::json BlockingClient::effective(const std::string& doc, const std::string& municipality,
                                         std::optional<Rev> rev, Timeout timeout) {
    nlohmann::json msg = {{"type", "effective"}, {"doc", doc}, {"municipality", municipality}};
    if (rev) msg["rev"] = *rev;
    return request(std::move(msg), timeout);
}

nlohmann::json BlockingClient::divergence(const std::string& doc, Timeout timeout) {
    return request({{"type", "divergence"}, {"doc", doc}}, timeout);
}

nlohmann::json BlockingClient::history(const std::string& doc, const std::string& section,
                                       std::optional<std::string> layer, Timeout timeout) {
    nlohmann::json msg = {{"type", "history"}, {"doc", doc}, {"section", section}};
    if (layer) msg["layer"] = *layer;
    return request(std::move(msg), timeout);
}

nlohmann::json BlockingClient::text_at(const std::string& doc, const std::string& section,
                                       const std::string& layer, Rev rev, Timeout timeout) {
    return request(
        {{"type", "text.at"}, {"doc", doc}, {"section", section}, {"layer", layer}, {"rev", rev}},
        timeout);
}

nlohmann::json BlockingClient::diff_layer(const std::string& doc, const std::string& section,
                                          const std::string& layer, Rev from, Rev to,
                                          Timeout timeout) {
    return request({{"type", "diff"},
                    {"doc", doc},
                    {"from", from},
                    {"to", to},
                    {"section", section},
                    {"layer", layer}},
                   timeout);
}

nlohmann::json BlockingClient::diff_effective(const std::string& doc,
                                              const std::string& municipality, Rev from, Rev to,
                                              Timeout timeout) {
    return request({{"type", "diff"},
                    {"doc", doc},
                    {"from", from},
                    {"to", to},
                    {"municipality", municipality}},
                   timeout);
}

Rev BlockingClient::tag(const std::string& doc, const std::string& label, std::optional<Rev> rev,
                        Timeout timeout) {
    nlohmann::json msg = {{"type", "tag"}, {"doc", doc}, {"label", label}};
    if (rev) msg["rev"] = *rev;
    return ack_rev(request(std::move(msg), timeout));
}

Rev BlockingClient::layer_action(const std::string& action, const std::string& doc,
                                 const std::string& section, const std::string& layer,
                                 Timeout timeout) {
    return ack_rev(
        request({{"type", action}, {"doc", doc}, {"section", section}, {"layer", layer}}, timeout));
}

Rev BlockingClient::propose(const std::string& doc, const std::string& section,
                            const std::string& layer, std::optional<std::string> text,
                            Timeout timeout) {
    nlohmann::json msg = {
        {"type", "propose"}, {"doc", doc}, {"section", section}, {"layer", layer}};
    if (text) msg["text"] = std::move(*text);
    return ack_rev(request(std::move(msg), timeout));
}

Rev BlockingClient::vote(const std::string& doc, std::int64_t proposal, const std::string& vote,
                         Timeout timeout) {
    return ack_rev(
        request({{"type", "vote"}, {"doc", doc}, {"proposal", proposal}, {"vote", vote}}, timeout));
}

nlohmann::json BlockingClient::create_document(const NewDocument& d, Timeout timeout) {
    nlohmann::json msg = {{"type", "document.create"},
                          {"doc", d.doc},
                          {"title", d.title},
                          {"municipalities", d.municipalities}};
    if (d.template_doc) msg["template"] = *d.template_doc;
    if (d.markdown) msg["markdown"] = *d.markdown;
    return request(std::move(msg), timeout);
}

Rev BlockingClient::rename_document(const std::string& doc, const std::string& title,
                                    Timeout timeout) {
    return ack_rev(request({{"type", "document.rename"}, {"doc", doc}, {"title", title}}, timeout));
}

Rev BlockingClient::archive_document(const std::string& doc, bool archived, Timeout timeout) {
    return ack_rev(
        request({{"type", "document.archive"}, {"doc", doc}, {"archived", archived}}, timeout));
}

void BlockingClient::edit(const std::string& doc, const std::string& section,
                          const std::string& layer, const ot::Op& op) {
    call([&](Client::Done done) { client_->edit(doc, section, layer, op, std::move(done)); },
         default_timeout, "editing");
}

void BlockingClient::edit_with(const std::string& doc, const std::string& section,
                               const std::string& layer,
                               std::function<ot::Op(const std::string& text)> make_op) {
    call(
        [&](Client::Done done) {
            client_->edit_with(doc, section, layer, std::move(make_op), std::move(done));
        },
        default_timeout, "editing");
}

void BlockingClient::presence(const std::string& doc, const std::string& section,
                              const std::string& layer, ot::Selection sel) {
    client_->presence(doc, section, layer, sel);
}

bool BlockingClient::wait_until(const std::function<bool()>& predicate, Timeout timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    for (;;) {
        std::uint64_t seen = 0;
        {
            std::lock_guard lock(mutex_);
            seen = activity_;
        }
        if (predicate()) return true;
        const auto now = std::chrono::steady_clock::now();
        if (now >= deadline) return false;
        // Woken by the client's activity; the poll interval covers state the predicate reads
        // from elsewhere.
        std::unique_lock lock(mutex_);
        changed_.wait_until(lock, std::min(deadline, now + std::chrono::milliseconds(50)),
                            [&] { return activity_ != seen; });
    }
}

bool BlockingClient::wait_synced(Timeout timeout) {
    return wait_until([this] { return pending_edits() == 0; }, timeout);
}

void BlockingClient::run(const std::function<void(Client&)>& fn, Timeout timeout) {
    auto c = std::make_shared<Completion>();
    bool abandoned = false;  // guarded by c->mutex; the caller's locals are gone once it is set
    auto gone = std::make_shared<bool>(false);
    client_->post([c, gone, fn, client = client_.get()] {
        // Under the lock: the caller either waits for this to finish or has given up before it
        // started, never in between.
        std::lock_guard lock(c->mutex);
        if (*gone) return;
        try {
            fn(*client);
        } catch (...) {
            c->exception = std::current_exception();
        }
        c->done = true;
        c->cv.notify_all();
    });
    std::unique_lock lock(c->mutex);
    if (!c->cv.wait_for(lock, timeout, [&] { return c->done; })) {
        *gone = true;
        abandoned = true;
    }
    if (abandoned) {
        throw ClientException(
            error_of("timeout", "reading the client's state took longer than " + millis(timeout)));
    }
    if (c->exception) std::rethrow_exception(c->exception);
}

std::string BlockingClient::text(const std::string& doc, const std::string& section,
                                 const std::string& layer) {
    std::optional<std::string> t;
    run([&](Client& c) { t = c.text(doc, section, layer); });
    if (!t) {
        ClientError e = error_of("not_found",
                                 "no text layer '" + layer + "' of section '" + section +
                                     "' in an open document '" + doc + "'",
                                 doc);
        e.section = section;
        e.layer = layer;
        throw ClientException(std::move(e));
    }
    return *t;
}

namespace {

ClientException not_open(const std::string& doc) {
    return ClientException(error_of("not_found", "the document '" + doc + "' is not open", doc));
}

}  // namespace

Rev BlockingClient::rev(const std::string& doc) {
    std::optional<Rev> r;
    run([&](Client& c) { r = c.rev(doc); });
    if (!r) throw not_open(doc);
    return *r;
}

model::Document BlockingClient::document(const std::string& doc) {
    std::optional<model::Document> d;
    run([&](Client& c) {
        if (const auto* p = c.document(doc)) d = *p;
    });
    if (!d) throw not_open(doc);
    return std::move(*d);
}

std::size_t BlockingClient::pending_edits() {
    std::size_t n = 0;
    run([&](Client& c) { n = c.pending_edits(); });
    return n;
}

ConnectionState BlockingClient::state() {
    ConnectionState s = ConnectionState::disconnected;
    run([&](Client& c) { s = c.state(); });
    return s;
}

std::optional<UserRef> BlockingClient::user() {
    std::optional<UserRef> u;
    run([&](Client& c) { u = c.user(); });
    return u;
}

std::uint64_t BlockingClient::connections() {
    std::uint64_t n = 0;
    run([&](Client& c) { n = c.connections(); });
    return n;
}

std::vector<ClientError> BlockingClient::take_errors() {
    std::lock_guard lock(mutex_);
    return std::exchange(errors_, {});
}

void BlockingClient::on_edit(std::function<void(const RemoteEdit&)> fn) {
    std::lock_guard lock(mutex_);
    user_callbacks_.on_edit = std::move(fn);
}

void BlockingClient::on_presence(std::function<void(const PresenceEvent&)> fn) {
    std::lock_guard lock(mutex_);
    user_callbacks_.on_presence = std::move(fn);
}

void BlockingClient::on_state_change(std::function<void(ConnectionState, const std::string&)> fn) {
    std::lock_guard lock(mutex_);
    user_callbacks_.on_state_change = std::move(fn);
}

void BlockingClient::on_error(std::function<void(const ClientError&)> fn) {
    std::lock_guard lock(mutex_);
    user_callbacks_.on_error = std::move(fn);
}

void BlockingClient::on_reload(std::function<void(const std::string& doc)> fn) {
    std::lock_guard lock(mutex_);
    user_callbacks_.on_reload = std::move(fn);
}

void BlockingClient::disconnect() {
    client_->disconnect();
}

void BlockingClient::drop_after_next_edit() {
    client_->drop_after_next_edit();
}

}  // namespace samen::client
