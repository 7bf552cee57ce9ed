// libFuzzer target: a page of GET /users (bare array or envelope), from bytes to UserPage.

#include "FuzzSupport.h"
#include "controlplane/WireDecoding.h"

using namespace zenml::controlplane;
using namespace zenml::fuzz;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    const QByteArray body = bytesOf(data, size);
    QString problem;
    const auto page = decodeUserPage(body, &problem);
    if (!page) {
        checkMessage(problem);
        // Refused by the page reader: refused by the document decoder too.
        ReplySnapshot reply;
        reply.httpStatus = 200;
        reply.contentType = "application/json";
        reply.body = body;
        const auto document = parseJsonAnswer(reply, nullptr);
        check(!document || !decodeUserPage(*document, nullptr), "both refuse the same pages");
        return 0;
    }
    check(page->users.size() <= page->itemCount, "no more users than entries");
    check(!page->total || *page->total >= 0, "a total is not negative");
    for (const auto& user : page->users)
        check(!user.id.isEmpty(), "every listed user has an id");

    // The same bytes through the client's own path: content type, then JSON, then the page.
    ReplySnapshot reply;
    reply.httpStatus = 200;
    reply.contentType = "application/json; charset=utf-8";
    reply.body = body;
    ApiError error;
    const auto document = parseJsonAnswer(reply, &error);
    check(document.has_value(), "what decodeUserPage parsed, parseJsonAnswer parses");
    // The page reader (decodeUserPage of bytes) against the document decoder, its reference.
    const auto again = decodeUserPage(*document, &problem);
    check(again.has_value(), "the document decoder reads what the page reader read");
    check(again->itemCount == page->itemCount, "both count the same entries");
    check(again->total == page->total, "both read the same total");
    check(again->users == page->users, "both read the same users, field by field");
    return 0;
}
