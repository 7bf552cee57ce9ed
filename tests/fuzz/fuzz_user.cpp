// libFuzzer target: one user object (GET /users/me, /users/{id}, POST and PATCH answers).

#include "FuzzSupport.h"
#include "controlplane/WireDecoding.h"

using namespace zenml::controlplane;
using namespace zenml::fuzz;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    ReplySnapshot reply;
    reply.httpStatus = 200;
    reply.contentType = "application/json";
    reply.body = bytesOf(data, size);

    ApiError error;
    const auto document = parseJsonAnswer(reply, &error);
    if (!document) {
        checkMessage(error.message);
        return 0;
    }
    QString problem;
    const auto user = decodeUserAnswer(*document, &problem);
    if (user)
        check(!user->id.isEmpty(), "a user answer has an id");
    else
        checkMessage(problem);

    // decodeUser takes anything, and never invents an id.
    const auto any = decodeUser(*document);
    check(document->is_object() || any.id.isEmpty(), "no id from a non-object");
    return 0;
}
