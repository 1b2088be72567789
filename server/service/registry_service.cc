#include "server/service/registry_service.h"
