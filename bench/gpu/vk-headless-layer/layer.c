/*
 * A pass-through Vulkan layer whose manifest announces VK_EXT_headless_surface.
 *
 * Why: headless Chromium (ozone "headless") and ANGLE's headless Vulkan display both require the
 * instance extension VK_EXT_headless_surface; NVIDIA's Vulkan driver does not offer it, so on an
 * NVIDIA machine without a display Chromium's GPU process fails vkCreateInstance with
 * VK_ERROR_EXTENSION_NOT_PRESENT and WebGPU falls back to SwiftShader (seen on the borrowed H100,
 * issue 19, ../../../../shared/gpu-probe/README.md). The loader lists extensions of implicit layers
 * among the instance's extensions and lets vkCreateInstance ask for them; its terminator then gives
 * each driver only the extensions that driver has, and implements vkCreateHeadlessSurfaceEXT
 * itself. Nothing here touches a surface: WebGPU compute never presents.
 *
 * No Vulkan headers needed: the few loader-interface structures are declared below (vk_layer.h).
 * Build: cc -shared -fPIC -O2 -o libVkLayer_slm_headless_surface.so layer.c
 */
#include <stdint.h>
#include <string.h>

typedef int32_t VkResult;
typedef void *VkInstance;
typedef void *VkPhysicalDevice;
typedef void *VkDevice;
typedef void (*PFN_vkVoidFunction)(void);
typedef PFN_vkVoidFunction (*PFN_vkGetInstanceProcAddr)(VkInstance, const char *);
typedef PFN_vkVoidFunction (*PFN_vkGetDeviceProcAddr)(VkDevice, const char *);
typedef PFN_vkVoidFunction (*PFN_GetPhysicalDeviceProcAddr)(VkInstance, const char *);
typedef VkResult (*PFN_vkCreateInstance)(const void *, const void *, VkInstance *);
typedef VkResult (*PFN_vkCreateDevice)(VkPhysicalDevice, const void *, const void *, VkDevice *);

#define VK_SUCCESS 0
#define VK_ERROR_INITIALIZATION_FAILED (-3)
#define VK_STRUCTURE_TYPE_LOADER_INSTANCE_CREATE_INFO 47
#define VK_STRUCTURE_TYPE_LOADER_DEVICE_CREATE_INFO 48
#define VK_LAYER_LINK_INFO 0

typedef struct VkLayerInstanceLink {
  struct VkLayerInstanceLink *pNext;
  PFN_vkGetInstanceProcAddr pfnNextGetInstanceProcAddr;
  PFN_GetPhysicalDeviceProcAddr pfnNextGetPhysicalDeviceProcAddr;
} VkLayerInstanceLink;

typedef struct VkLayerDeviceLink {
  struct VkLayerDeviceLink *pNext;
  PFN_vkGetInstanceProcAddr pfnNextGetInstanceProcAddr;
  PFN_vkGetDeviceProcAddr pfnNextGetDeviceProcAddr;
} VkLayerDeviceLink;

typedef struct {
  uint32_t sType;
  const void *pNext;
  uint32_t function;
  union {
    void *pLayerInfo;
    void *other;
  } u;
} VkLayerCreateInfo; /* VkLayerInstanceCreateInfo and VkLayerDeviceCreateInfo share this layout */

typedef struct {
  uint32_t sType;
  const void *pNext;
} VkBaseIn;

/* Every instance and device of the process goes through the same loader, so one pointer each will do. */
static PFN_vkGetInstanceProcAddr next_gipa;
static PFN_vkGetDeviceProcAddr next_gdpa;
static VkInstance last_instance;

static VkLayerCreateInfo *find_link(const void *pNext, uint32_t sType) {
  for (VkBaseIn *s = (VkBaseIn *)pNext; s; s = (VkBaseIn *)s->pNext)
    if (s->sType == sType && ((VkLayerCreateInfo *)s)->function == VK_LAYER_LINK_INFO) return (VkLayerCreateInfo *)s;
  return 0;
}

static VkResult layer_CreateInstance(const void *createInfo, const void *allocator, VkInstance *instance) {
  /* VkInstanceCreateInfo: sType, pNext, ... */
  VkLayerCreateInfo *link = find_link(((const VkBaseIn *)createInfo)->pNext, VK_STRUCTURE_TYPE_LOADER_INSTANCE_CREATE_INFO);
  if (!link) return VK_ERROR_INITIALIZATION_FAILED;
  VkLayerInstanceLink *info = (VkLayerInstanceLink *)link->u.pLayerInfo;
  next_gipa = info->pfnNextGetInstanceProcAddr;
  link->u.pLayerInfo = info->pNext;
  PFN_vkCreateInstance create = (PFN_vkCreateInstance)next_gipa(0, "vkCreateInstance");
  if (!create) return VK_ERROR_INITIALIZATION_FAILED;
  VkResult result = create(createInfo, allocator, instance);
  if (result == VK_SUCCESS) last_instance = *instance;
  return result;
}

static VkResult layer_CreateDevice(VkPhysicalDevice physicalDevice, const void *createInfo, const void *allocator, VkDevice *device) {
  VkLayerCreateInfo *link = find_link(((const VkBaseIn *)createInfo)->pNext, VK_STRUCTURE_TYPE_LOADER_DEVICE_CREATE_INFO);
  if (!link) return VK_ERROR_INITIALIZATION_FAILED;
  VkLayerDeviceLink *info = (VkLayerDeviceLink *)link->u.pLayerInfo;
  PFN_vkGetInstanceProcAddr gipa = info->pfnNextGetInstanceProcAddr;
  next_gdpa = info->pfnNextGetDeviceProcAddr;
  link->u.pLayerInfo = info->pNext;
  PFN_vkCreateDevice create = (PFN_vkCreateDevice)gipa(last_instance, "vkCreateDevice");
  if (!create) return VK_ERROR_INITIALIZATION_FAILED;
  return create(physicalDevice, createInfo, allocator, device);
}

PFN_vkVoidFunction vkGetDeviceProcAddr(VkDevice device, const char *name);

PFN_vkVoidFunction vkGetInstanceProcAddr(VkInstance instance, const char *name) {
  if (!strcmp(name, "vkGetInstanceProcAddr")) return (PFN_vkVoidFunction)vkGetInstanceProcAddr;
  if (!strcmp(name, "vkCreateInstance")) return (PFN_vkVoidFunction)layer_CreateInstance;
  if (!strcmp(name, "vkCreateDevice")) return (PFN_vkVoidFunction)layer_CreateDevice;
  if (!strcmp(name, "vkGetDeviceProcAddr")) return (PFN_vkVoidFunction)vkGetDeviceProcAddr;
  return next_gipa ? next_gipa(instance, name) : 0;
}

PFN_vkVoidFunction vkGetDeviceProcAddr(VkDevice device, const char *name) {
  if (!strcmp(name, "vkGetDeviceProcAddr")) return (PFN_vkVoidFunction)vkGetDeviceProcAddr;
  return next_gdpa ? next_gdpa(device, name) : 0;
}
