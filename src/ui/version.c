#include "ui/version.h"

#include <SDL2/SDL.h>
#include <Zydis/Zydis.h>
#include <xxhash.h>
#include <zstd.h>

void version_print(FILE *out)
{
    SDL_version sdl;
    SDL_GetVersion(&sdl);
    ZyanU64 zydis = ZydisGetVersion();
    unsigned xxh = XXH_versionNumber();
    fprintf(out, "bt86 %s\n", BT86_VERSION);
    fprintf(out, "  SDL2   %u.%u.%u\n", sdl.major, sdl.minor, sdl.patch);
    fprintf(out, "  Zydis  %u.%u.%u\n", (unsigned)ZYDIS_VERSION_MAJOR(zydis),
            (unsigned)ZYDIS_VERSION_MINOR(zydis), (unsigned)ZYDIS_VERSION_PATCH(zydis));
    fprintf(out, "  zstd   %s\n", ZSTD_versionString());
    fprintf(out, "  xxHash %u.%u.%u\n", xxh / 10000, xxh / 100 % 100, xxh % 100);
}
