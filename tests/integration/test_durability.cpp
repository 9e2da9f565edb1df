// Nothing acknowledged is lost: not in a crash (SIGKILL), not in a shutdown (SIGTERM); and a
// client that stops reading is cut off without hurting the others.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <thread>

#include "protocol_client.hpp"
#include "server_process.hpp"
#include "snapshot.hpp"
#include "transport/http_client.hpp"

using namespace samen::test;
using nlohmann::json;

namespace {

const std::string doc = "startnotitie-ivp-2023";

json edit(std::uint64_t base, json op, const std::string& opid) {
    return edit_request(doc, "werkgroep", "common", base, op, opid);
}

/// A WebSocket client on a bare socket that can stop reading, which no library client does.
class StubbornClient {
  public:
    explicit StubbornClient(std::uint16_t port) {
        fd_ = socket(AF_INET, SOCK_STREAM, 0);
        int small = 4096;  // a small receive buffer fills sooner
        setsockopt(fd_, SOL_SOCKET, SO_RCVBUF, &small, sizeof small);
        sockaddr_in addr{};
        addr.sin_family = AF_INET;
        addr.sin_port = htons(port);
        inet_pton(AF_INET, "127.0.0.1", &addr.sin_addr);
        REQUIRE(connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
        write_all(
            "GET /ws HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n"
            "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
            "Sec-WebSocket-Version: 13\r\n\r\n");
        std::string head;
        while (head.find("\r\n\r\n") == std::string::npos) {
            char c;
            REQUIRE(read_some(&c, 1, 5000) == 1);
            head += c;
        }
        REQUIRE(head.rfind("HTTP/1.1 101", 0) == 0);
    }
    ~StubbornClient() { close(fd_); }

    /// One masked text frame.
    void send_text(const std::string& text) {
        std::string frame;
        frame += static_cast<char>(0x81);
        if (text.size() < 126) {
            frame += static_cast<char>(0x80 | text.size());
        } else {
            frame += static_cast<char>(0x80 | 126);
            frame += static_cast<char>((text.size() >> 8) & 0xff);
            frame += static_cast<char>(text.size() & 0xff);
        }
        const unsigned char mask[4] = {1, 2, 3, 4};
        frame.append(reinterpret_cast<const char*>(mask), 4);
        for (std::size_t i = 0; i < text.size(); ++i) {
            frame += static_cast<char>(text[i] ^ static_cast<char>(mask[i % 4]));
        }
        write_all(frame);
    }

    /// True once the server has closed the connection (EOF), reading and dropping what came.
    bool wait_eof(int timeout_ms) {
        char chunk[65536];
        auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
        while (std::chrono::steady_clock::now() < deadline) {
            if (read_some(chunk, sizeof chunk, 200) == 0) return true;
        }
        return false;
    }

    /// Reads frames until a close frame and returns its code (nullopt if none came in time).
    std::optional<int> read_until_close(int timeout_ms) {
        std::string buf;
        char chunk[65536];
        auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
        while (std::chrono::steady_clock::now() < deadline) {
            ssize_t n = read_some(chunk, sizeof chunk, 200);
            if (n == 0) break;  // EOF
            if (n > 0) buf.append(chunk, static_cast<std::size_t>(n));
            // Walk the complete frames in buf.
            std::size_t pos = 0;
            while (buf.size() - pos >= 2) {
                auto b0 = static_cast<unsigned char>(buf[pos]);
                auto b1 = static_cast<unsigned char>(buf[pos + 1]);
                std::size_t len = b1 & 0x7f, head = 2;
                if (len == 126) {
                    if (buf.size() - pos < 4) break;
                    len = (static_cast<unsigned char>(buf[pos + 2]) << 8) |
                          static_cast<unsigned char>(buf[pos + 3]);
                    head = 4;
                } else if (len == 127) {
                    if (buf.size() - pos < 10) break;
                    len = 0;
                    for (int i = 0; i < 8; ++i) {
                        len = (len << 8) | static_cast<unsigned char>(
                                               buf[pos + 2 + static_cast<std::size_t>(i)]);
                    }
                    head = 10;
                }
                if (buf.size() - pos < head + len) break;
                if ((b0 & 0x0f) == 0x8 && len >= 2) {
                    return (static_cast<unsigned char>(buf[pos + head]) << 8) |
                           static_cast<unsigned char>(buf[pos + head + 1]);
                }
                pos += head + len;
            }
            buf.erase(0, pos);
        }
        return std::nullopt;
    }

  private:
    void write_all(const std::string& s) {
        std::size_t done = 0;
        while (done < s.size()) {
            ssize_t n = write(fd_, s.data() + done, s.size() - done);
            REQUIRE(n > 0);
            done += static_cast<std::size_t>(n);
        }
    }
    ssize_t read_some(char* out, std::size_t size, int timeout_ms) {
        pollfd p{fd_, POLLIN, 0};
        if (poll(&p, 1, timeout_ms) <= 0) return -1;
        return read(fd_, out, size);
    }
    int fd_ = -1;
};

}  // namespace

TEST_CASE("acknowledged edits survive SIGKILL", "[integration][durability]") {
    ServerProcess server;
    ProtocolClient c(server.port());
    c.hello(server.sign_in("kampen-editor"));
    std::string text = common_text(c.open(doc), "werkgroep");
    std::uint64_t rev = 0;
    for (int i = 0; i < 50; ++i) {
        const std::string word = "w" + std::to_string(i) + " ";
        auto ack = c.request(edit(rev, json::array({word}), "k-" + std::to_string(i)));
        REQUIRE(ack["type"] == "ack");
        rev = ack["rev"];
        text = word + text;
    }
    server.kill();
    server.restart();
    ProtocolClient after(server.port());
    after.hello(server.sign_in("kampen-editor"));
    auto snap = after.open(doc);
    CHECK(snap["rev"] == rev);
    CHECK(common_text(snap, "werkgroep") == text);
}

TEST_CASE("SIGTERM commits and acks what was accepted, then stops", "[integration][durability]") {
    ServerProcess server;
    ProtocolClient c(server.port());
    c.hello(server.sign_in("kampen-editor"));
    const std::string before = common_text(c.open(doc), "werkgroep");
    // Fire edits without waiting for their acks; each inserts one letter at the start, based on
    // revision 0, so each lands exactly once whatever the order.
    const int sent = 200;
    for (int i = 0; i < sent; ++i) {
        json m = edit(0, json::array({"z"}), "t-" + std::to_string(i));
        m["id"] = i;
        c.send(m);
    }
    // Wait for the first ack so the server is busy with them, then stop it.
    REQUIRE(c.next_of_type("ack"));
    int status = server.stop(SIGTERM);
    CHECK(WIFEXITED(status));
    CHECK(WEXITSTATUS(status) == 0);
    std::uint64_t max_acked = 1;
    while (auto m = c.next(std::chrono::milliseconds(2000))) {
        if ((*m)["type"] == "ack")
            max_acked = std::max(max_acked, (*m)["rev"].get<std::uint64_t>());
    }
    CHECK(c.wait_closed(std::chrono::milliseconds(5000)) == 1001);

    server.restart();
    ProtocolClient after(server.port());
    after.hello(server.sign_in("kampen-editor"));
    auto snap = after.open(doc);
    const auto rev = snap["rev"].get<std::uint64_t>();
    CHECK(rev >= max_acked);
    // Exactly one letter per stored revision, none twice.
    CHECK(common_text(snap, "werkgroep") == std::string(rev, 'z') + before);
}

TEST_CASE("a client that stops reading is cut off while the others carry on",
          "[integration][limits]") {
    ServerProcess server({"--max-queue", "8", "--max-text-bytes", "4000000"});
    const std::string token = server.sign_in("staphorst-viewer");
    StubbornClient slow(server.port());
    slow.send_text(json{{"type", "hello"}, {"token", token}}.dump());
    slow.send_text(json{{"type", "open"}, {"doc", doc}}.dump());

    ProtocolClient writer(server.port());
    writer.hello(server.sign_in("kampen-editor"));
    writer.open(doc);
    const std::string chunk(30000, 'b');
    std::uint64_t rev = 0;
    bool cut_off = false;
    // Large edits (each broadcast to the slow client) until the server reports the disconnect;
    // bounded in count.
    for (int i = 0; i < 400 && !cut_off; ++i) {
        json op = (i % 2 == 0) ? json::array({chunk}) : json::array({json{{"d", chunk.size()}}});
        auto ack = writer.request(edit(rev, op, "big-" + std::to_string(i)));
        REQUIRE(ack["type"] == "ack");  // the writer is never hurt
        rev = ack["rev"];
        if (i % 10 == 9) {
            auto m = samen::transport::http_request("127.0.0.1", server.port(), "GET", "/metrics");
            cut_off = m.body.find("samen_slow_client_disconnects_total 1") != std::string::npos;
        }
    }
    REQUIRE(cut_off);
    CHECK(slow.read_until_close(10000) == 4001);
    // The writer still works.
    CHECK(writer.request(edit(rev, json::array({"nog"}), "after"))["type"] == "ack");
}

TEST_CASE(
    "a WebSocket that answers no pings is dropped after the idle timeout, one that does "
    "stays",
    "[integration][limits]") {
    ServerProcess server({"--idle-timeout", "2"});
    const std::string token = server.sign_in("kampen-viewer");
    StubbornClient silent(server.port());
    silent.send_text(json{{"type", "hello"}, {"token", token}}.dump());
    ProtocolClient polite(server.port());  // its transport answers pings
    polite.hello(token);
    // The silent one reads nothing, so it never answers a ping: bounded wait for the server to
    // drop it.
    CHECK(silent.wait_eof(30000));
    // The polite one was idle just as long and still works.
    CHECK(polite.request({{"type", "list"}})["type"] == "documents");
}

TEST_CASE("SIGTERM stops the server when documents are loaded and nobody is connected",
          "[integration][durability]") {
    ServerProcess server;
    {
        ProtocolClient c(server.port());
        c.hello(server.sign_in("kampen-editor"));
        c.open(doc);
        REQUIRE(c.request(edit(0, json::array({"x"}), "q1"))["type"] == "ack");
    }
    // The client has gone; the room stays loaded. The server must still finish its shutdown by
    // itself (ServerProcess::stop falls back to SIGKILL, which is not a normal exit).
    int status = server.stop(SIGTERM);
    CHECK(WIFEXITED(status));
    CHECK(WEXITSTATUS(status) == 0);
}

TEST_CASE("a document nobody has open is unloaded when idle and opens again with every change",
          "[integration][durability][memory]") {
    ServerProcess server({"--room-idle-seconds", "1"});
    auto open_documents = [&] {
        auto m = samen::transport::http_request("127.0.0.1", server.port(), "GET", "/metrics");
        const std::string name = "\nsamen_open_documents ";
        const auto at = m.body.find(name);
        return at == std::string::npos ? -1 : std::stoi(m.body.substr(at + name.size()));
    };
    std::string text;
    {
        ProtocolClient c(server.port());
        c.hello(server.sign_in("kampen-editor"));
        text = "Echt " + common_text(c.open(doc), "werkgroep");
        REQUIRE(c.request(edit(0, json::array({"Echt "}), "u1"))["type"] == "ack");
        CHECK(open_documents() == 1);
    }
    // Bounded: the room goes once its client has gone and the idle time has passed.
    bool unloaded = false;
    for (int i = 0; i < 300 && !unloaded; ++i) {
        unloaded = open_documents() == 0;
        if (!unloaded) std::this_thread::sleep_for(100ms);
    }
    REQUIRE(unloaded);
    ProtocolClient again(server.port());
    again.hello(server.sign_in("kampen-editor"));
    const json snap = again.open(doc);
    CHECK(snap["rev"] == 1);
    CHECK(common_text(snap, "werkgroep") == text);
    CHECK(again.request(edit(1, json::array({"Nog "}), "u2"))["type"] == "ack");
}

TEST_CASE("a lone edit at a quiet moment is committed by the network thread, unless turned off",
          "[integration][durability]") {
    // docs/decisions/0027-a-lone-edit-commits-on-the-network-thread.md
    auto network_commits = [](const ServerProcess& server) {
        auto m = samen::transport::http_request("127.0.0.1", server.port(), "GET", "/metrics");
        const std::string name = "\nsamen_store_network_commits_total ";
        const auto at = m.body.find(name);
        return at == std::string::npos ? -1 : std::stoi(m.body.substr(at + name.size()));
    };
    for (const bool on : {true, false}) {
        INFO("--network-commit-max-jobs " << (on ? "1 (default)" : "0"));
        ServerProcess server(on ? std::vector<std::string>{}
                                : std::vector<std::string>{"--network-commit-max-jobs", "0"});
        ProtocolClient c(server.port());
        c.hello(server.sign_in("kampen-editor"));
        c.open(doc);
        std::uint64_t rev = 0;
        for (int i = 0; i < 5; ++i) {
            // A pause longer than a commit takes: the store is quiet when the next one comes.
            std::this_thread::sleep_for(std::chrono::milliseconds(50));
            const json ack = c.request(edit(rev, json::array({"x"}), "q" + std::to_string(i)));
            REQUIRE(ack["type"] == "ack");
            rev = ack["rev"];
        }
        if (on) {
            CHECK(network_commits(server) > 0);
        } else {
            CHECK(network_commits(server) == 0);
        }
        // Either way every acknowledged edit is in what a new reader is sent.
        ProtocolClient reader(server.port());
        reader.hello(server.sign_in("kampen-viewer"));
        CHECK(common_text(reader.open(doc), "werkgroep").substr(0, 5) == "xxxxx");
    }
}
