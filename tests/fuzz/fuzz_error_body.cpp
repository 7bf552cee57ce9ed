// libFuzzer target: how a reply is judged (errorFromReply) and an error body read
// (detailMessage, textExcerpt), over status, content type, Retry-After and body.
// Input: "STATUS CONTENT-TYPE\nRETRY-AFTER\nBODY" (see corpus/fuzz_error_body).

#include "FuzzSupport.h"
#include "controlplane/WireDecoding.h"

using namespace zenml::controlplane;
using namespace zenml::fuzz;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    const QByteArray input = bytesOf(data, size);
    const qsizetype firstEnd = input.indexOf('\n');
    const QByteArray first = firstEnd < 0 ? input : input.left(firstEnd);
    const QByteArray rest = firstEnd < 0 ? QByteArray() : input.mid(firstEnd + 1);
    const qsizetype secondEnd = rest.indexOf('\n');

    ReplySnapshot reply;
    const qsizetype space = first.indexOf(' ');
    reply.httpStatus = (space < 0 ? first : first.left(space)).toInt() % 1000;
    reply.contentType = space < 0 ? QByteArray() : first.mid(space + 1);
    reply.retryAfter = secondEnd < 0 ? rest : rest.left(secondEnd);
    reply.body = secondEnd < 0 ? QByteArray() : rest.mid(secondEnd + 1);
    reply.server = QStringLiteral("zenml.example.com:443");
    reply.scheme = QStringLiteral("https");

    const ApiError error = errorFromReply(reply);
    const bool success = reply.httpStatus >= 200 && reply.httpStatus < 300;
    check(success != error.isError(), "an error exactly when the status is not 2xx");
    if (error) {
        check(!error.message.isEmpty(), "every error has a message");
        checkMessage(error.message);
        check(error.retryAfterSeconds >= 0 && error.retryAfterSeconds <= 24 * 3600,
            "Retry-After within a day");
    } else {
        ApiError parseError;
        if (!parseJsonAnswer(reply, &parseError))
            checkMessage(parseError.message);
    }

    // The pieces on their own.
    checkMessage(textExcerpt(reply.body));
    const auto document = nlohmann::json::parse(
        reply.body.cbegin(), reply.body.cend(), nullptr, /*allow_exceptions=*/false);
    checkMessage(detailMessage(document));
    const QByteArray valid = toValidUtf8(reply.body);
    check(toValidUtf8(valid) == valid, "toValidUtf8 makes valid UTF-8");
    const QString decoded = QString::fromUtf8(valid);
    check(decoded.toUtf8() == valid, "valid UTF-8 survives a round trip");
    return 0;
}
